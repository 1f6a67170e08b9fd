import * as tf from '@tensorflow/tfjs';
import type { CompiledProgram } from '../../experiment/algebra';
import type { Slots } from './rule';

/**
 * Runs a compiled update program with tfjs ops: one op per node, in the program's
 * order, so every elementwise operation is the same float32 operation the wasm
 * kernel's generated loop performs. Constants and scalars enter as numbers (tfjs
 * makes float32 scalars of them, as the kernel stores them). `weight` is a whole
 * variable, so a sum is over the whole tensor, as Keras's update_step sees it.
 */
export function evaluateProgram(
  program: CompiledProgram,
  weight: tf.Tensor,
  gradient: tf.Tensor,
  slots: Slots,
  constants: Readonly<Record<string, number>>,
  scalars: Readonly<Record<string, number>>,
): { weight: tf.Tensor; slots: Slots } {
  const values: (tf.Tensor | number)[] = [];
  for (const node of program.nodes) {
    const [a, b, c] = node.args.map((i) => values[i]);
    let value: tf.Tensor | number;
    switch (node.op) {
      case 'weight': value = weight; break;
      case 'gradient': value = gradient; break;
      case 'slot': value = slots[node.name!]; break;
      case 'constant': value = constants[node.name!]; break;
      case 'scalar': value = scalars[node.name!]; break;
      case 'add': value = tf.add(a, b); break;
      case 'sub': value = tf.sub(a, b); break;
      case 'mul': value = tf.mul(a, b); break;
      case 'div': value = tf.div(a, b); break;
      case 'max': value = tf.maximum(a, b); break;
      case 'min': value = tf.minimum(a, b); break;
      case 'pow': value = tf.pow(a, b); break;
      case 'neg': value = tf.neg(a); break;
      case 'sqrt': value = tf.sqrt(a); break;
      case 'square': value = tf.square(a); break;
      case 'abs': value = tf.abs(a); break;
      case 'sign': value = tf.sign(a); break;
      // A scalar tensor, kept on the device (compileProgram makes sure a sums a tensor).
      case 'sum': value = tf.sum(a); break;
      case 'ifPositive': value = tf.where(tf.greater(a, 0), b, c); break;
    }
    values.push(value);
  }
  const tensor = (i: number) => {
    const v = values[i];
    if (typeof v === 'number') throw new Error('An update program must give tensors, not host numbers.');
    return v;
  };
  return { weight: tensor(program.weight), slots: Object.fromEntries(program.slots.map(({ name, value }) => [name, tensor(value)])) };
}
