/**
 * Writes the wasm kernel's optimizer updates (AssemblyScript) from the optimizer
 * definitions: one SIMD loop per variant, four floats per iteration, each program
 * node one f32x4 operation in the program's order (the tfjs evaluator's order), so
 * given the same gradient both engines give the same bits. Constants and scalars
 * are splatted from the run record before the loop. A variant with sums over the
 * whole tensor (Lamb's norms) also gets a first-pass loop that only adds them up, in
 * double (accumulateSums). scripts/build-kernel.ts writes the result to
 * assembly/update.generated.ts (git-ignored, like the .wasm).
 */
import type { CompiledProgram, Node } from '../../experiment/algebra';
import { CLIP_MODE } from '../../experiment/knobs';
import { KNOB_FIELDS, kernelLayout, MATRIX_FIELDS, type KernelVariant } from './layout';

export const GENERATED_UPDATE_FILE = 'update.generated.ts';

const BINARY: Record<string, string> = { add: 'f32x4.add', sub: 'f32x4.sub', mul: 'f32x4.mul', div: 'f32x4.div', max: 'f32x4.max', min: 'f32x4.min', pow: 'pow4' };
const UNARY: Record<string, string> = { neg: 'f32x4.neg', sqrt: 'f32x4.sqrt', abs: 'f32x4.abs' };

/**
 * Nodes that read no weight, gradient or slot: the same for every element, computed
 * once before the loop. A sum is one of them: the first pass has computed it.
 */
function uniformNodes(nodes: readonly Node[]): boolean[] {
  const uniform: boolean[] = [];
  for (const node of nodes) {
    uniform.push(node.op === 'constant' || node.op === 'scalar' || node.op === 'sum' || (node.args.length > 0 && node.args.every((a) => uniform[a])));
  }
  return uniform;
}

/** The nodes some roots need, a sum's argument only when `intoSums` (its total is read, not recomputed). */
function neededBy(program: CompiledProgram, roots: readonly number[], intoSums: boolean): boolean[] {
  const needed = program.nodes.map(() => false);
  const mark = (i: number) => {
    if (needed[i]) return;
    needed[i] = true;
    if (intoSums || program.nodes[i].op !== 'sum') program.nodes[i].args.forEach(mark);
  };
  roots.forEach(mark);
  return needed;
}

/** The nodes the sums' arguments need (the first pass computes only these). */
const sumInputs = (program: CompiledProgram) => neededBy(program, program.reductions.map((r) => program.nodes[r].args[0]), true);

/** The nodes the new weight and slots need, reading each sum's total (the update pass computes only these). */
const updateInputs = (program: CompiledProgram) => neededBy(program, [program.weight, ...program.slots.map((s) => s.value)], false);

function expression(node: Node, index: number, v: KernelVariant, valuesAt: number): string {
  const [a, b, c] = node.args.map((i) => `n${i}`);
  switch (node.op) {
    case 'weight': return 'v128.load(w + i)';
    case 'gradient': return 'v128.load(g + i)';
    case 'slot': return `v128.load(slot${v.slots.indexOf(node.name!)} + i)`;
    case 'constant': return `v128.load32_splat(record, ${valuesAt + 4 * v.constants[node.name!]}) /* constant ${node.name} */`;
    case 'scalar': return `v128.load32_splat(record, ${valuesAt + 4 * v.scalars[node.name!]}) /* scalar ${node.name} */`;
    case 'square': return `f32x4.mul(${a}, ${a})`;
    // No SIMD sign: (a > 0 ? 1 : +0) - (a < 0 ? 1 : +0), masks and-ed with 1.0; ±0 and NaN give +0, as tfjs's sign.
    case 'sign': return `f32x4.sub(v128.and(f32x4.gt(${a}, f32x4.splat(0)), f32x4.splat(1)), v128.and(f32x4.lt(${a}, f32x4.splat(0)), f32x4.splat(1)))`;
    // The first pass's double total, rounded to float32 once (tfjs's cpu backend sums in double too).
    case 'sum': return `f32x4.splat(<f32>load<f64>(sums, ${8 * v.variant.program.reductions.indexOf(index)})) /* sum of n${node.args[0]} */`;
    // gt is false for NaN, as TensorFlow's greater: NaN takes the second branch.
    case 'ifPositive': return `v128.bitselect(${b}, ${c}, f32x4.gt(${a}, f32x4.splat(0)))`;
    default: return node.args.length === 2 ? `${BINARY[node.op]}(${a}, ${b})` : `${UNARY[node.op]}(${a})`;
  }
}

/** One variant's loop: `program`'s new slots, and its `weight` node stored at `target` (the weight, or the matrix step's direction buffer). */
function variantCase(v: KernelVariant, program: CompiledProgram, slotsAt: number, valuesAt: number, target = 'w'): string {
  const uniform = uniformNodes(program.nodes);
  const needed = updateInputs(program);
  const lines = [`    case ${v.kind}: { // ${v.variant.name}`];
  v.slots.forEach((_, j) => lines.push(`      const slot${j} = load<usize>(record, ${slotsAt + 4 * j}) + offset;`));
  program.nodes.forEach((node, i) => {
    if (needed[i] && uniform[i]) lines.push(`      const n${i} = ${expression(node, i, v, valuesAt)};`);
  });
  lines.push('      for (let i: usize = 0; i < bytes; i += 16) {');
  program.nodes.forEach((node, i) => {
    if (needed[i] && !uniform[i]) lines.push(`        const n${i} = ${expression(node, i, v, valuesAt)};`);
  });
  program.slots.forEach(({ name, value }) => lines.push(`        v128.store(slot${v.slots.indexOf(name)} + i, n${value});`));
  lines.push(`        v128.store(${target} + i, n${program.weight});`);
  lines.push('      }', '      break;', '    }');
  return lines.join('\n');
}

/**
 * The first pass of a variant with sums: only the nodes its sums' arguments need, each
 * argument added lane by lane into two f64x2 accumulators (four partial sums, in
 * double), then into the running totals at `sums`, writing nothing else.
 */
function sumCase(v: KernelVariant, slotsAt: number, valuesAt: number): string {
  const program: CompiledProgram = v.variant.program;
  const uniform = uniformNodes(program.nodes);
  const needed = sumInputs(program);
  const lines = [`    case ${v.kind}: { // ${v.variant.name}`];
  v.slots.forEach((name, j) => {
    if (program.nodes.some((n, i) => needed[i] && n.op === 'slot' && n.name === name)) lines.push(`      const slot${j} = load<usize>(record, ${slotsAt + 4 * j}) + offset;`);
  });
  program.nodes.forEach((node, i) => {
    if (needed[i] && uniform[i]) lines.push(`      const n${i} = ${expression(node, i, v, valuesAt)};`);
  });
  program.reductions.forEach((_, r) => lines.push(`      let low${r} = f64x2.splat(0), high${r} = f64x2.splat(0);`));
  lines.push('      for (let i: usize = 0; i < bytes; i += 16) {');
  program.nodes.forEach((node, i) => {
    if (needed[i] && !uniform[i]) lines.push(`        const n${i} = ${expression(node, i, v, valuesAt)};`);
  });
  program.reductions.forEach((n, r) => {
    const x = `n${program.nodes[n].args[0]}`;
    lines.push(`        low${r} = f64x2.add(low${r}, f64x2.promote_low_f32x4(${x}));`);
    lines.push(`        high${r} = f64x2.add(high${r}, f64x2.promote_low_f32x4(v128.shuffle<f32>(${x}, ${x}, 2, 3, 0, 1)));`);
  });
  lines.push('      }');
  program.reductions.forEach((_, r) => {
    lines.push(`      store<f64>(sums, load<f64>(sums, ${8 * r}) + ((f64x2.extract_lane(low${r}, 0) + f64x2.extract_lane(low${r}, 1)) + (f64x2.extract_lane(high${r}, 0) + f64x2.extract_lane(high${r}, 1))), ${8 * r});`);
  });
  lines.push('      break;', '    }');
  return lines.join('\n');
}

export function generateUpdateSource(): string {
  const { variants, record, hash } = kernelLayout();
  const summing = variants.filter((v) => v.variant.program.reductions.length > 0);
  const table = (name: string, type: string, value: (v: KernelVariant) => string) =>
    [`export function ${name}(kind: i32): ${type} {`, '  switch (kind) {', ...variants.map((v) => `    case ${v.kind}: return ${value(v)}; // ${v.variant.name}`), `    default: return ${type === 'bool' ? 'false' : '0'};`, '  }', '}'].join('\n');
  return `// Generated by scripts/build-kernel.ts (src/train/kernel/generateUpdate.ts) from the optimizer
// definitions in src/experiment/definitions/. Do not edit: change a definition and rebuild.

/** Bytes per run record: kind (i32), parameter block address, ${record.maxSlots} slot block addresses, named float32 values. */
export const RUN_RECORD: usize = ${record.bytes};
export const PARAMS_AT: usize = ${record.paramsAt};
export const SLOTS_AT: usize = ${record.slotsAt};
export const KNOBS_AT: usize = ${record.knobsAt};
${Object.entries(KNOB_FIELDS).map(([name, offset]) => `export const KNOB_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}: usize = ${offset};`).join('\n')}
${Object.entries(CLIP_MODE).map(([name, value]) => `export const CLIP_${name.toUpperCase()}: i32 = ${value};`).join('\n')}
export const VALUES_AT: usize = ${record.valuesAt};
/** The matrix step's settings (layout.ts MATRIX_FIELDS). */
export const MATRIX_AT: usize = ${record.matrixAt};
${Object.entries(MATRIX_FIELDS).map(([name, offset]) => `export const MATRIX_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}: usize = ${offset};`).join('\n')}
/** The most sums (over a whole tensor) any variant has: float64 totals at the \`sums\` address. */
export const MAX_SUMS: i32 = ${Math.max(1, ...variants.map((v) => v.variant.program.reductions.length))};

/** Hash of the layout and programs this file was generated from (src/train/kernel/layout.ts). */
export function layoutHash(): u32 {
  return 0x${hash.toString(16).padStart(8, '0')};
}

/**
 * Elementwise a^b: no SIMD pow, so double pow per lane rounded to float32, as
 * tfjs's cpu backend computes it (Math.pow, stored in a Float32Array).
 */
// @ts-ignore: decorator
@inline function pow4(a: v128, b: v128): v128 {
  let r = f32x4.splat(<f32>Math.pow(<f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, <f32>Math.pow(<f64>f32x4.extract_lane(a, 1), <f64>f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, <f32>Math.pow(<f64>f32x4.extract_lane(a, 2), <f64>f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, <f32>Math.pow(<f64>f32x4.extract_lane(a, 3), <f64>f32x4.extract_lane(b, 3)));
}

${table('slotCount', 'i32', (v) => String(v.slots.length))}

${table('skipsZeroGradient', 'bool', (v) => String(v.skipsZeroGradient))}

${table('hasMatrixStep', 'bool', (v) => String(v.matrix))}

${table('sumCount', 'i32', (v) => String(v.variant.program.reductions.length))}

/**
 * First pass of a variant with sums (sumCount > 0) over \`bytes\` bytes at byte offset
 * \`offset\` of one tensor: adds each sum's argument to its float64 total at \`sums\`
 * (zeroed by the caller before the tensor's first piece). Writes no weight or slot.
 */
// @ts-ignore: decorator
@inline export function accumulateSums(record: usize, offset: usize, g: usize, bytes: usize, sums: usize): void {
  const w = load<usize>(record, ${record.paramsAt}) + offset;
  switch (load<i32>(record)) {
${summing.map((v) => sumCase(v, record.slotsAt, record.valuesAt)).join('\n')}
  }
}

/**
 * Applies the update of the run whose record is at \`record\` to \`bytes\` bytes of
 * its parameters at byte offset \`offset\` (and the same offset in each slot block),
 * with gradients at \`g\`; a variant with sums reads their totals at \`sums\` (the first
 * pass over the whole tensor, accumulateSums). Values: ${variants.map((v) => `${v.variant.name} [${[...Object.keys(v.constants), ...Object.keys(v.scalars)].join(', ')}]`).join('; ')}.
 */
// @ts-ignore: decorator
@inline export function applyUpdate(record: usize, offset: usize, g: usize, bytes: usize, sums: usize): void {
  const w = load<usize>(record, ${record.paramsAt}) + offset;
  switch (load<i32>(record)) {
${variants.map((v) => variantCase(v, v.variant.program, record.slotsAt, record.valuesAt)).join('\n')}
  }
}

/**
 * The matrix step's elementwise part (variants with one): its new slots, and the
 * direction to orthogonalise stored at \`out\` (same offsets as the parameters).
 */
// @ts-ignore: decorator
@inline export function applyDirection(record: usize, offset: usize, g: usize, out: usize, bytes: usize): void {
  const w = load<usize>(record, ${record.paramsAt}) + offset;
  const direction = out + offset;
  switch (load<i32>(record)) {
${variants.filter((v) => v.variant.matrix).map((v) => variantCase(v, v.variant.matrix!, record.slotsAt, record.valuesAt, 'direction')).join('\n')}
  }
}
`;
}
