import type { Readable } from 'node:stream';

/** A stored blob: its sha256 (lower-case hex) and size in bytes. */
export interface ArtifactRef {
  readonly digest: string;
  readonly size: number;
}

/** What an artifact backend can do. */
export interface ArtifactCapabilities {
  /** Content lives on a local file system and `localPath` is available. */
  readonly localFiles: boolean;
}

/**
 * Content-addressed blob storage for model files, datasets and reports.
 *
 * Blobs are named only by their sha256 digest, so no user string ever becomes a
 * path. Writes are atomic (a reader sees the whole blob or nothing) and idempotent
 * (the same content twice is stored once). Reads verify the checksum.
 */
export interface ArtifactStore {
  readonly backend: string;
  readonly capabilities: ArtifactCapabilities;
  /** Stores bytes; returns their digest. */
  put(data: Uint8Array): Promise<ArtifactRef>;
  /** Stores a stream without holding it in memory. */
  putStream(data: Readable | AsyncIterable<Uint8Array>): Promise<ArtifactRef>;
  /** Stores a local file by streaming it. */
  putFile(path: string): Promise<ArtifactRef>;
  /** The bytes of a blob; `KEEL_ARTIFACT_NOT_FOUND` when absent, `KEEL_ARTIFACT_CORRUPT` when the content no longer matches. */
  get(digest: string): Promise<Buffer>;
  /** Copies a blob to a local file (atomically), verifying the checksum while streaming. */
  getToFile(digest: string, path: string): Promise<void>;
  /** Size of a blob, or null when absent. */
  stat(digest: string): Promise<ArtifactRef | null>;
  /** Removes a blob; absent blobs are ignored. */
  delete(digest: string): Promise<void>;
  /** Every stored blob, in no particular order. */
  list(): AsyncIterable<ArtifactRef>;
  /** Releases resources. */
  close(): Promise<void>;
}
