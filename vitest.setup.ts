import fc from 'fast-check';

// CI replays one fixed sample of the property tests, so a submission's result does not
// depend on luck; local runs draw new samples each time (a failure prints its seed).
if (process.env.CI) fc.configureGlobal({ seed: 20261126 });
