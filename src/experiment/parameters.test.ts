import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNumber, defaultValues, describeRange, isChoice, parseNumberInput, type ChoiceParameter, type NumberParameter, type Parameter } from './parameters';

const spec = (overrides: Partial<NumberParameter> = {}): NumberParameter => ({
  kind: 'number',
  key: 'value',
  label: 'Test value',
  defaultValue: 1,
  min: 0,
  max: 100_000,
  help: '',
  ...overrides,
});

function accepted(s: NumberParameter, raw: string): number {
  const result = parseNumberInput(s, raw);
  if (!result.ok) throw new Error(`expected "${raw}" to be accepted, got: ${result.message}`);
  return result.value;
}

function refused(s: NumberParameter, raw: string): string {
  const result = parseNumberInput(s, raw);
  if (result.ok) throw new Error(`expected "${raw}" to be refused, got ${result.value}`);
  return result.message;
}

describe('parseNumberInput', () => {
  it.each([
    ['0.001', 0.001],
    ['1e-3', 0.001],
    ['1E-3', 0.001],
    ['2.5e+2', 250],
    [' 5 ', 5],
    ['\t42\n', 42],
    ['60,000', 60000],
    ['60_000', 60000],
    ['.5', 0.5],
    ['5.', 5],
    ['+7', 7],
    ['0', 0],
  ])('accepts %j as %d', (raw, value) => {
    expect(accepted(spec(), raw)).toBe(value);
  });

  it.each(['abc', '0x10', '1e', 'Infinity', '-Infinity', 'NaN', '1.2.3', '--1', '1e5.5', '.', 'e5', '5 5', '1/2', '½'])(
    'refuses %j as not a number, naming the field',
    (raw) => {
      const message = refused(spec(), raw);
      expect(message).toContain('Test value');
      expect(message).toMatch(/is not a number/);
      expect(message).toContain(`"${raw.trim()}"`);
    },
  );

  it.each(['', '   ', ','])('refuses %j as missing, naming the field', (raw) => {
    expect(refused(spec(), raw)).toBe('Test value is required.');
  });

  it('shortens a long rejected input in its message', () => {
    const message = refused(spec(), 'x'.repeat(500));
    expect(message).toContain(`"${'x'.repeat(40)}"`);
    expect(message).not.toContain('x'.repeat(41));
  });

  it('refuses a number too large to represent', () => {
    expect(refused(spec({ max: Number.MAX_VALUE }), '1e400')).toBe('Test value must be a finite number.');
  });

  it('turns "-0" into 0', () => {
    const value = accepted(spec(), '-0');
    expect(Object.is(value, 0)).toBe(true);
    expect(Object.is(accepted(spec(), '-0.0e5'), 0)).toBe(true);
  });

  describe('range checks', () => {
    const rate = spec({ label: 'Learning rate', min: 0, minExclusive: true, max: 1000 });
    const decay = spec({ label: 'Beta 1', min: 0, max: 1, maxExclusive: true });
    const inclusive = spec({ label: 'Epsilon', min: 1e-12, max: 1 });

    it('an exclusive minimum refuses the bound itself and accepts just above it', () => {
      expect(refused(rate, '0')).toBe('Learning rate must be greater than 0 and at most 1,000.');
      expect(refused(rate, '-0')).toMatch(/greater than 0/);
      expect(refused(rate, '-1')).toMatch(/greater than 0/);
      expect(accepted(rate, '1e-300')).toBe(1e-300);
      expect(accepted(rate, '1000')).toBe(1000);
      expect(refused(rate, '1000.0001')).toMatch(/at most 1,000/);
    });

    it('an exclusive maximum refuses the bound itself and accepts just below it', () => {
      expect(refused(decay, '1')).toBe('Beta 1 must be at least 0 and less than 1.');
      expect(accepted(decay, '0.999999')).toBe(0.999999);
      expect(accepted(decay, '0')).toBe(0);
      expect(refused(decay, '-0.1')).toMatch(/at least 0/);
    });

    it('inclusive bounds accept both ends and print fractional bounds as written', () => {
      expect(accepted(inclusive, '1e-12')).toBe(1e-12);
      expect(accepted(inclusive, '1')).toBe(1);
      expect(refused(inclusive, '1e-13')).toBe('Epsilon must be at least 1e-12 and at most 1.');
      expect(refused(inclusive, '1.5')).toBe('Epsilon must be at least 1e-12 and at most 1.');
    });

    it('an integer parameter refuses fractions but accepts integers written in scientific notation', () => {
      const batch = spec({ label: 'Batch size', min: 1, max: 4096, integer: true });
      expect(refused(batch, '12.5')).toBe('Batch size must be a whole number.');
      expect(refused(batch, '1e-1')).toBe('Batch size must be a whole number.');
      expect(accepted(batch, '1e3')).toBe(1000);
      expect(accepted(batch, '4,096')).toBe(4096);
      expect(refused(batch, '4097')).toBe('Batch size must be at least 1 and at most 4,096.');
      expect(refused(batch, '0')).toMatch(/at least 1/);
    });
  });

  it('never throws on arbitrary input, and an accepted value is finite, in range and never -0', () => {
    const specs = fc
      .record({
        min: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        width: fc.double({ min: 0, max: 1e6, noNaN: true }),
        minExclusive: fc.boolean(),
        maxExclusive: fc.boolean(),
        integer: fc.boolean(),
      })
      .map(({ min, width, ...flags }) => spec({ min, max: min + width, ...flags }));
    const inputs = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789.,_eE+- x'.split('')) }),
      fc.double().map(String),
      fc.integer().map((n) => n.toLocaleString('en-US')),
    );
    fc.assert(
      fc.property(specs, inputs, (s, raw) => {
        const result = parseNumberInput(s, raw);
        if (!result.ok) {
          expect(result.message).toContain(s.label);
          return;
        }
        expect(Number.isFinite(result.value)).toBe(true);
        expect(Object.is(result.value, -0)).toBe(false);
        if (s.minExclusive) expect(result.value).toBeGreaterThan(s.min);
        else expect(result.value).toBeGreaterThanOrEqual(s.min);
        if (s.maxExclusive) expect(result.value).toBeLessThan(s.max);
        else expect(result.value).toBeLessThanOrEqual(s.max);
        if (s.integer) expect(Number.isInteger(result.value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts what String(number) prints for any in-range double', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (value) => {
        const result = parseNumberInput(spec({ min: -1e6, max: 1e6 }), String(value));
        expect(result).toEqual({ ok: true, value: Object.is(value, -0) ? 0 : value });
      }),
    );
  });
});

describe('checkNumber', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %d as not finite', (value) => {
    expect(checkNumber(spec(), value)).toEqual({ ok: false, message: 'Test value must be a finite number.' });
  });

  it('turns -0 into 0', () => {
    const result = checkNumber(spec(), -0);
    expect(result.ok && Object.is(result.value, 0)).toBe(true);
  });
});

describe('describeRange', () => {
  it('uses thousands separators for integer bounds', () => {
    expect(describeRange(spec({ min: 1000, max: 60000 }))).toBe('at least 1,000 and at most 60,000');
  });

  it('says which bounds are excluded', () => {
    expect(describeRange(spec({ min: 0, max: 1, minExclusive: true, maxExclusive: true }))).toBe('greater than 0 and less than 1');
  });
});

describe('defaultValues', () => {
  it('maps every parameter key to its default, booleans included', () => {
    const parameters: Parameter[] = [
      spec({ key: 'rate', defaultValue: 0.5 }),
      { kind: 'boolean', key: 'flag', label: 'Flag', defaultValue: true, help: '' },
    ];
    expect(defaultValues(parameters)).toEqual({ rate: 0.5, flag: true });
  });
});

describe('decimal commas', () => {
  const rate = { kind: 'number', key: 'learningRate', label: 'Learning rate', defaultValue: 0.001, min: 0, minExclusive: true, max: 1000, help: '' } as const;
  it('refuses "0,01" instead of reading it as 1, and says how to write it', () => {
    expect(parseNumberInput(rate, '0,01')).toEqual({ ok: false, message: 'Learning rate: use a point for decimals ("0.01"), not a comma.' });
  });
  it('still reads thousands separators', () => {
    expect(parseNumberInput(rate, '1,000')).toEqual({ ok: true, value: 1000 });
    expect(parseNumberInput(rate, '0.5')).toEqual({ ok: true, value: 0.5 });
  });
});

describe('isChoice', () => {
  const colour: ChoiceParameter<'red' | 'blue'> = {
    kind: 'choice',
    key: 'colour',
    label: 'Colour',
    options: [
      { value: 'red', label: 'Red' },
      { value: 'blue', label: 'Blue' },
    ],
    defaultValue: 'red',
    help: '',
  };

  it('accepts exactly the values of the options', () => {
    expect(isChoice(colour, 'red')).toBe(true);
    expect(isChoice(colour, 'blue')).toBe(true);
  });

  it.each(['Red', 'RED', ' red', '', 'green', 'toString', '__proto__', null, undefined, 1, ['red'], { value: 'red' }])('refuses %j', (value) => {
    expect(isChoice(colour, value)).toBe(false);
  });
});
