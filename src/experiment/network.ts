/**
 * The network as a setting: Flatten(784) -> 0 to 3 hidden Dense layers -> Dense(10, softmax).
 * Pure data: both engines (tfjs and the fused kernel) build the same network from it.
 */

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const ACTIVATION_LABELS: Record<Activation, string> = { relu: 'ReLU', tanh: 'tanh', sigmoid: 'sigmoid' };

export const NETWORK_LIMITS = { maxHiddenLayers: 3, minUnits: 8, maxUnits: 1024 } as const;

export interface NetworkSettings {
  /** Units of each hidden layer, input side first; empty for plain softmax regression. */
  hiddenLayers: number[];
  /** Keras's definition of each, applied after every hidden layer. */
  activation: Activation;
}

/** The article's network: Dense 128 ReLU between the 784 pixels and the 10 classes. */
export function articleNetwork(): NetworkSettings {
  return { hiddenLayers: [128], activation: 'relu' };
}

export function isActivation(value: unknown): value is Activation {
  return typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value);
}
