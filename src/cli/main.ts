import { describeError, PullDoctorError, type ErrorCode } from '../errors/index.js';
import { runAudit, AUDIT_USAGE } from './audit-command.js';
import { runClassify, CLASSIFY_USAGE } from './classify-command.js';
import { runDiagnose, DIAGNOSE_USAGE } from './diagnose-command.js';
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
const COMMANDS: Record<string, { run: Command; usage: string }> = {
  diagnose: { run: runDiagnose, usage: DIAGNOSE_USAGE },
  classify: { run: runClassify, usage: CLASSIFY_USAGE },
  audit: { run: runAudit, usage: AUDIT_USAGE },
};

/** Runs the CLI; returns the exit code (0 diagnosed, 2 bad input or pod not found, 1 other errors). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    write(name === undefined ? io.stderr : io.stdout, USAGE);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    write(io.stderr, `pulldoctor: unknown command "${name}".\n\n${USAGE}`);
    return EXIT.badInput;
  }
  const json = args.some((a, i) => (a === '--output' || a === '-o') && args[i + 1] === 'json') || args.includes('--output=json');
  try {
    return await command.run(args, io);
  } catch (error) {
    const advice = describeError(isArgsError(error) ? toInputError(error) : error);
    write(io.stderr, `pulldoctor: ${advice.title}: ${advice.message}\n${advice.advice}`);
    if (json) write(io.stdout, JSON.stringify({ error: advice }));
    return BAD_INPUT.has(advice.code) ? EXIT.badInput : EXIT.internal;
  }
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
