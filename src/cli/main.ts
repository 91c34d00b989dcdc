import { describeError, PullDoctorError, type ErrorCode } from '../errors/index.js';
import { EXIT, write, type CliIo } from './io.js';

export type { CliIo } from './io.js';

const USAGE = `Pull Doctor: why is this pod failing, and above all why can't it pull its image?

Commands:
  pulldoctor diagnose POD [-n NAMESPACE] [--cluster NAME | --context CTX] [--cluster-id ID] [--output text|json]
  pulldoctor classify [MESSAGE]          (or one message per stdin line)
  pulldoctor audit [--since DURATION] [--output text|json]

Run \`pulldoctor <command> --help\` for details.`;

const BAD_INPUT: ReadonlySet<ErrorCode> = new Set([
  'INVALID_INPUT',
  'POD_NOT_FOUND',
  'POD_AMBIGUOUS',
  'NAMESPACE_NOT_FOUND',
  'CONFIG_INVALID',
]);

type Command = (args: string[], io: CliIo) => Promise<number>;
/**
 * Each command is loaded when it runs (dynamic import): `--help` and `classify` never load the Azure or Kubernetes
 * SDKs, which take a second to load unbundled; `diagnose` and `audit` load what they need (README, "How fast").
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  diagnose: async () => (await import('./diagnose-command.js')).runDiagnose,
  classify: async () => (await import('./classify-command.js')).runClassify,
  audit: async () => (await import('./audit-command.js')).runAudit,
};

/** Runs the CLI; returns the exit code (0 diagnosed, 2 bad input or pod not found, 1 other errors). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    write(name === undefined ? io.stderr : io.stdout, USAGE);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    write(io.stderr, `pulldoctor: unknown command "${name}".\n\n${USAGE}`);
    return EXIT.badInput;
  }
  const json = args.some((a, i) => (a === '--output' || a === '-o') && args[i + 1] === 'json') || args.includes('--output=json');
  try {
    const run = await load();
    return await run(args, io);
  } catch (error) {
    const advice = describeError(isArgsError(error) ? toInputError(error) : error);
    // A pod that is gone but whose events remain: its story on stdout, as a report would be (`gone` in JSON).
    const gone = advice.code === 'POD_NOT_FOUND' ? await goneStory(error) : undefined;
    if (gone && !json) write(io.stdout, gone.text);
    write(io.stderr, `pulldoctor: ${advice.title}: ${advice.message}\n${advice.advice}`);
    if (json) write(io.stdout, JSON.stringify(gone ? { error: advice, gone: gone.story } : { error: advice }));
    return BAD_INPUT.has(advice.code) ? EXIT.badInput : EXIT.internal;
  }
}

/** The story a POD_NOT_FOUND error carries (diagnosis/events.ts), and its text; loaded only for that error. */
async function goneStory(error: unknown) {
  const [{ goneStoryOf }, { renderGoneText }] = await Promise.all([import('../diagnosis/events.js'), import('./render-text-report.js')]);
  const story = goneStoryOf(error);
  return story ? { story, text: renderGoneText(story) } : undefined;
}

/** node:util parseArgs errors (unknown option, missing value) are bad input, not internal errors. */
function isArgsError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS')
  );
}

function toInputError(error: Error): PullDoctorError {
  return new PullDoctorError('INVALID_INPUT', error.message.split('\n')[0] ?? 'Invalid arguments.');
}
