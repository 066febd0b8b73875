// Builds tiny ONNX models byte by byte (a minimal protobuf writer), so tests cover datatypes and
// graph shapes the oracle models do not have: string class labels with ZipMap, INT64, BOOL, BYTES,
// a fixed batch dimension. Field numbers follow onnx/onnx.proto.

type Part = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return out;
}

const cat = (parts: readonly Part[]): Part => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
const int = (field: number, n: number): Part => Uint8Array.from([...key(field, 0), ...varint(n)]);
const bytes = (field: number, payload: Part): Part =>
  cat([Uint8Array.from([...key(field, 2), ...varint(payload.length)]), payload]);
const str = (field: number, s: string): Part => bytes(field, new TextEncoder().encode(s));
const msg = (field: number, ...parts: Part[]): Part => bytes(field, cat(parts));
const floats = (field: number, values: readonly number[]): Part => {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => {
    view.setFloat32(i * 4, v, true);
  });
  return bytes(field, b);
};

/** ONNX element types. */
export const ELEM = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;

/** A tensor type with dims (a string = symbolic dimension). */
export function tensorType(elem: number, dims: readonly (number | string)[]): Part {
  const shape = dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  return msg(1, int(1, elem), msg(2, ...shape));
}

/** A value info (graph input or output) of a type built with `tensorType` or `seqMapType`. */
export function valueInfo(field: 11 | 12, name: string, type: Part): Part {
  return msg(field, str(1, name), bytes(2, type));
}

/** seq(map(keyElem, tensor(float))) — what ZipMap outputs. */
export function seqMapType(keyElem: number): Part {
  const value = msg(1, int(1, ELEM.FLOAT), msg(2));
  return msg(4, msg(1, msg(5, int(1, keyElem), bytes(2, value))));
}

/** Attributes of a node. */
export const attr = {
  floats: (name: string, values: readonly number[]): Part =>
    msg(5, str(1, name), floats(7, values), int(20, 6)),
  strings: (name: string, values: readonly string[]): Part =>
    msg(5, str(1, name), ...values.map((v) => str(9, v)), int(20, 8)),
  string: (name: string, value: string): Part => msg(5, str(1, name), str(4, value), int(20, 3)),
  int: (name: string, value: number): Part => msg(5, str(1, name), int(3, value), int(20, 2)),
};

/** A node: op type, domain, inputs, outputs and attributes. */
export function node(op: string, inputs: string[], outputs: string[], attrs: Part[] = [], domain = ''): Part {
  return msg(
    1,
    ...inputs.map((i) => str(1, i)),
    ...outputs.map((o) => str(2, o)),
    str(3, `${op}_node`),
    str(4, op),
    ...attrs,
    ...(domain ? [str(7, domain)] : []),
  );
}

/** A model from graph parts (nodes, inputs with field 11, outputs with field 12). */
export function model(
  parts: readonly Part[],
  opsets: Readonly<Record<string, number>> = { '': 13 },
): Uint8Array {
  const graph = msg(7, ...parts, str(2, 'g'));
  const imports = Object.entries(opsets).map(([domain, version]) => msg(8, str(1, domain), int(2, version)));
  return cat([int(1, 8), str(2, 'keel-test'), str(3, '1.0'), graph, ...imports]);
}

/**
 * A binary LinearClassifier with string labels ["neg", "pos"] and a ZipMap: `x` f32[N,2] →
 * `label` string[N], `probabilities` f32[N,2], `output_probability` seq(map(string,float)).
 * P(pos) = sigmoid(x0 − x1).
 */
export function zipMapClassifier(): Uint8Array {
  return model(
    [
      node(
        'LinearClassifier',
        ['x'],
        ['label', 'probabilities'],
        [
          attr.floats('coefficients', [-1, 1, 1, -1]),
          attr.floats('intercepts', [0, 0]),
          attr.strings('classlabels_strings', ['neg', 'pos']),
          attr.string('post_transform', 'LOGISTIC'),
          attr.int('multi_class', 0),
        ],
        'ai.onnx.ml',
      ),
      node(
        'ZipMap',
        ['probabilities'],
        ['output_probability'],
        [attr.strings('classlabels_strings', ['neg', 'pos'])],
        'ai.onnx.ml',
      ),
      valueInfo(11, 'x', tensorType(ELEM.FLOAT, ['N', 2])),
      valueInfo(12, 'label', tensorType(ELEM.STRING, ['N'])),
      valueInfo(12, 'probabilities', tensorType(ELEM.FLOAT, ['N', 2])),
      valueInfo(12, 'output_probability', seqMapType(ELEM.STRING)),
    ],
    { '': 13, 'ai.onnx.ml': 1 },
  );
}

/** `a` + `b`, both INT64 [N, 2] → `sum` INT64 [N, 2]. */
export function int64Add(): Uint8Array {
  return model([
    node('Add', ['a', 'b'], ['sum']),
    valueInfo(11, 'a', tensorType(ELEM.INT64, ['N', 2])),
    valueInfo(11, 'b', tensorType(ELEM.INT64, ['N', 2])),
    valueInfo(12, 'sum', tensorType(ELEM.INT64, ['N', 2])),
  ]);
}

/** NOT of a BOOL [N] input, and the BYTES [N] input passed through. */
export function boolAndStrings(): Uint8Array {
  return model([
    node('Not', ['flag'], ['negated']),
    node('Identity', ['text'], ['same']),
    valueInfo(11, 'flag', tensorType(ELEM.BOOL, ['N'])),
    valueInfo(11, 'text', tensorType(ELEM.STRING, ['N'])),
    valueInfo(12, 'negated', tensorType(ELEM.BOOL, ['N'])),
    valueInfo(12, 'same', tensorType(ELEM.STRING, ['N'])),
  ]);
}

/** A fixed-shape model (not batchable): `x` f32[1, 3] → Identity → `y` f32[1, 3]. */
export function fixedShapeIdentity(): Uint8Array {
  return model([
    node('Identity', ['x'], ['y']),
    valueInfo(11, 'x', tensorType(ELEM.FLOAT, [1, 3])),
    valueInfo(12, 'y', tensorType(ELEM.FLOAT, [1, 3])),
  ]);
}
