/** The package version, shown by `keel --version` and answered by the server's `GET /v2`. */
export const VERSION = '0.1.0';
