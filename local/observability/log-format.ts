/**
 * How `npm start` writes logs and metrics, from its flags and environment:
 *
 *   --log-format pretty|json   or ASYNC_ENDPOINTS_LOG_FORMAT=pretty|json|auto
 *   --raw-emf                  or ASYNC_ENDPOINTS_RAW_EMF=true
 *
 * `auto` (the default) is pretty on a terminal and JSON otherwise (piped into a file or a log
 * tool, lines stay the JSON the deployed functions write). A flag wins over the environment.
 */

/** `pretty`: one readable line per event; `json`: Powertools' JSON lines, as on AWS. */
export type LogFormat = 'pretty' | 'json';

export const LOG_FORMAT_ENV = 'ASYNC_ENDPOINTS_LOG_FORMAT';
export const RAW_EMF_ENV = 'ASYNC_ENDPOINTS_RAW_EMF';

/** What `npm start` asked for. */
export interface OutputSettings {
  readonly logFormat: LogFormat;
  /** ANSI colour for the level (pretty on a terminal, unless NO_COLOR is set). */
  readonly colour: boolean;
  /** Metrics are collected for the console (off when POWERTOOLS_METRICS_DISABLED is set true). */
  readonly collectMetrics: boolean;
  /** EMF lines are printed too, as the deployed functions write them. */
  readonly rawEmf: boolean;
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];

/**
 * Reads the output flags from `argv` (other arguments are left to their readers) and `env`.
 * @throws Error naming every bad flag or variable value
 */
export function readOutputSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  isTerminal: boolean,
): OutputSettings {
  const problems: string[] = [];
  let chosen = env[LOG_FORMAT_ENV] ?? 'auto';
  let source = LOG_FORMAT_ENV;
  let rawEmf = TRUE_WORDS.includes((env[RAW_EMF_ENV] ?? '').toLowerCase());
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--raw-emf') rawEmf = true;
    else if (arg === '--log-format' || arg.startsWith('--log-format=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined) problems.push('--log-format needs a value: pretty or json');
      else [chosen, source] = [value, '--log-format'];
    }
  }
  if (!['pretty', 'json', 'auto'].includes(chosen)) {
    problems.push(`${source} must be pretty, json or auto, got '${chosen}'`);
  }
  if (problems.length > 0) throw new Error(`Bad output settings:\n- ${problems.join('\n- ')}`);
  const logFormat: LogFormat = chosen === 'auto' ? (isTerminal ? 'pretty' : 'json') : (chosen as LogFormat);
  return {
    logFormat,
    colour: logFormat === 'pretty' && isTerminal && !env.NO_COLOR,
    collectMetrics: !TRUE_WORDS.includes((env.POWERTOOLS_METRICS_DISABLED ?? '').toLowerCase()),
    rawEmf,
  };
}
