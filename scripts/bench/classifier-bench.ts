// `npm run bench` (classifier part): classifies every message of the labelled corpus of real pull errors
// (test/fixtures/pull-error-messages.json) and prints the accuracy per label, per runtime and overall, the misses
// (with the reason when the corpus lists them as known), and how many of the ambiguous wordings are detected.
// It measures; it asserts nothing (the corpus test does).
import { classifyPullError } from '../../src/diagnosis/classify/classify-pull-error.js';
import { pullErrorAmbiguity } from '../../src/diagnosis/classify/pull-error-ambiguity.js';
import { loadPullErrorCorpus, RUNTIMES, scoreCorpus } from './pull-error-corpus.js';

const corpus = loadPullErrorCorpus();
const percent = (correct: number, total: number): string => (total === 0 ? '-' : `${((100 * correct) / total).toFixed(1)}%`);
const line = (name: string, total: number, correct: number): string =>
  `${name.padEnd(20)}${String(total).padStart(8)}${String(correct).padStart(9)}${percent(correct, total).padStart(10)}`;

const score = scoreCorpus(corpus, classifyPullError);
console.log(`Classifier accuracy on ${score.messages} real messages (test/fixtures/pull-error-messages.json):\n`);
console.log(`${'label'.padEnd(20)}${'messages'.padStart(8)}${'correct'.padStart(9)}${'accuracy'.padStart(10)}`);
for (const label of score.byLabel) console.log(line(label.cause, label.messages, label.correct));
console.log(line('overall', score.messages, score.correct));

console.log(`\n${'runtime'.padEnd(20)}${'messages'.padStart(8)}${'correct'.padStart(9)}${'accuracy'.padStart(10)}`);
for (const runtime of RUNTIMES) {
  const rows = corpus.filter((row) => row.runtime === runtime);
  if (rows.length > 0) console.log(line(runtime, rows.length, scoreCorpus(rows, classifyPullError).correct));
}

const ambiguous = corpus.filter((row) => row.ambiguous);
const detected = ambiguous.filter((row) => pullErrorAmbiguity(row.message) !== undefined).length;
const falseAlarms = corpus.filter((row) => !row.ambiguous && pullErrorAmbiguity(row.message) !== undefined).length;
console.log(
  `\nnot-found-or-no-access wordings: ${detected} of ${ambiguous.length} flagged rows detected, ${falseAlarms} other rows flagged`,
);

if (score.misses.length > 0) {
  console.log('\nmisses:');
  for (const { row, got } of score.misses) {
    const known = row.knownMiss?.classifiedAs === got ? ` (known: ${row.knownMiss.reason})` : '';
    console.log(`  ${row.cause} read as ${got}${known}: ${row.message.replace(/\s+/g, ' ').slice(0, 140)} (${row.source})`);
  }
}
