/**
 * The network as a setting: Flatten(784) -> 0 to 3 hidden Dense layers -> Dense(10, softmax).
 * Pure data: both engines (tfjs and the fused kernel) build the same network from it,
 * and the form, the link and the results file describe it through NETWORK_PARAMETERS.
 */
import type { ChoiceParameter, NumberParameter } from './parameters';

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

const ARTICLE_UNITS = 128;

/** The article's network: Dense 128 ReLU between the 784 pixels and the 10 classes. */
export function articleNetwork(): NetworkSettings {
  return { hiddenLayers: [ARTICLE_UNITS], activation: 'relu' };
}

export function isActivation(value: unknown): value is Activation {
  return typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value);
}

export const HIDDEN_LAYERS_PARAMETER = {
  kind: 'number',
  key: 'hiddenLayers',
  label: 'Hidden layers',
  urlKey: 'layers',
  defaultValue: 1,
  min: 0,
  max: NETWORK_LIMITS.maxHiddenLayers,
  integer: true,
  help: 'Dense layers between the pixels and the ten classes; 0 is softmax regression.',
} as const satisfies NumberParameter;

/** `Layer 1 units` … `Layer 3 units`; a layer's field counts only while the network has that layer. */
export const LAYER_UNITS_PARAMETERS = [1, 2, 3].map(
  (layer): NumberParameter => ({
    kind: 'number',
    key: `layer${layer}Units`,
    label: `Layer ${layer} units`,
    urlKey: `units${layer}`,
    defaultValue: ARTICLE_UNITS,
    min: NETWORK_LIMITS.minUnits,
    max: NETWORK_LIMITS.maxUnits,
    integer: true,
    help: `Width of hidden layer ${layer}.`,
  }),
);

export const ACTIVATION_PARAMETER: ChoiceParameter<Activation> = {
  kind: 'choice',
  key: 'activation',
  label: 'Activation',
  urlKey: 'act',
  options: ACTIVATIONS.map((value) => ({ value, label: ACTIVATION_LABELS[value] })),
  defaultValue: 'relu',
  help: 'Applied after every hidden layer, as Keras defines it.',
};

/** The network from its form values (units of layers past `hiddenLayers` are ignored). */
export function networkFrom(hiddenLayers: number, units: readonly number[], activation: Activation): NetworkSettings {
  return { hiddenLayers: units.slice(0, hiddenLayers), activation };
}

/** Units of layer `index` (0-based), or the default where the network has no such layer. */
export function layerUnits(network: NetworkSettings, index: number): number {
  return network.hiddenLayers[index] ?? ARTICLE_UNITS;
}

/** Weights and biases of the network (the article's: 101,770). */
export function parameterCount(network: NetworkSettings): number {
  const widths = [784, ...network.hiddenLayers, 10];
  return widths.slice(1).reduce((sum, fanOut, i) => sum + widths[i] * fanOut + fanOut, 0);
}

/** "784 → 128 ReLU → 10 softmax", as the table caption and the results say it. */
export function describeNetwork(network: NetworkSettings): string {
  const hidden = network.hiddenLayers.map((units) => `${units} ${ACTIVATION_LABELS[network.activation]}`);
  return ['784', ...hidden, '10 softmax'].join(' → ');
}
