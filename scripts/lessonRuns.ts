/**
 * Runs every lesson for real, in Node on the fused kernel (the app's CPU engine) with the
 * real MNIST files, at the given seeds, and prints each lesson's answer: the check that
 * the answers' wording holds whatever the seed (docs/ARCHITECTURE.md, "Lessons").
 *
 *   npx tsx scripts/lessonRuns.ts [--seeds 42,7] [--lessons momentum,adam-epsilon]
 */
import { parseArgs } from 'node:util';
import { TRAIN_SET_SIZE, TEST_SET_SIZE, trainingContestants, type ExperimentConfig } from '../src/experiment/config';
import { contestantKey } from '../src/experiment/contestants';
import { LESSONS, lessonRun, type LessonRun } from '../src/experiment/lessons';
import type { EpochMetrics, RunStatus } from '../src/experiment/metrics';
import { decodeExperimentUrl } from '../src/experiment/urlState';
import { loadKernel } from '../src/testing/kernelNode';
import { loadRealMnist } from '../src/testing/realMnist';
import { kernelEngine } from '../src/train/kernelEngine';
import { trainExperiment } from '../src/train/trainer';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '42,7' }, lessons: { type: 'string' } } });
const seeds = values.seeds.split(',').map(Number);
const chosen = values.lessons ? LESSONS.filter((l) => values.lessons!.split(',').includes(l.id)) : LESSONS;

const data = loadRealMnist(TRAIN_SET_SIZE, TEST_SET_SIZE);
const engine = kernelEngine(await loadKernel('simd'));

async function train(config: ExperimentConfig): Promise<LessonRun> {
  const histories = new Map<string, EpochMetrics[]>();
  const statuses = new Map<string, RunStatus>();
  await trainExperiment(
    data,
    config,
    {
      runStatus: (id, status) => statuses.set(id, status),
      epochEnd: (id, metrics) => histories.set(id, [...(histories.get(id) ?? []), metrics]),
      progress: () => {},
    },
    { stopRequested: () => false, yieldToEventLoop: async () => {} },
    { engine, readbackIntervalMs: 0 },
  );
  return lessonRun(
    config,
    trainingContestants(config).map((contestant) => {
      const key = contestantKey(contestant);
      return { contestant, status: statuses.get(key) ?? 'done', history: histories.get(key) ?? [] };
    }),
  );
}

for (const lesson of chosen) {
  for (const seed of seeds) {
    const { config, notices } = decodeExperimentUrl(`?lesson=${lesson.id}&seed=${seed}`);
    if (notices.length) throw new Error(`${lesson.id}: ${notices.join(' ')}`);
    const started = performance.now();
    const runs = [await train(config)];
    // The batch-size lesson asks for a second run at another batch size.
    if (lesson.followUp) runs.push(await train({ ...config, batchSize: 512 }));
    const answer = lesson.answer(runs);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(`\n## ${lesson.id}, seed ${seed} (${seconds} s)\n${'missing' in answer ? `MISSING: ${answer.missing}` : `[supports: ${answer.supported}] ${answer.explanation}`}`);
  }
}
