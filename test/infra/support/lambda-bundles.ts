// The Lambda path as deployed: synthesize the real stack WITH bundling (each function's code is
// built by CDK's NodejsFunction with the stack's own options, exactly as `cdk deploy` builds it),
// read each function's code asset, handler and environment from the synthesized template, and run
// the handler in a fresh Node process with that environment (references resolved to stand-ins).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { BaosongStack } from '../../../infra/stack';
import { REGION } from '../build';

type Json = unknown;
type Resource = { Type: string; Properties: Record<string, Json> };
export type SynthTemplate = { Resources: Record<string, Resource> };

export type Synthesized = { dir: string; stack: BaosongStack; template: SynthTemplate; close(): void };

/** The stack as `cdk synth` builds it, bundling every function (no pages build; no nag aspect). */
export function synthWithBundles(context: Record<string, unknown> = {}): Synthesized {
  const dir = mkdtempSync(join(tmpdir(), 'baosong-lambda-path-'));
  const app = new App({
    outdir: dir,
    context: { 'aws:cdk:bundling-stacks': ['**'], webDist: 'test/infra/no-web-dist', ...context },
  });
  const stack = new BaosongStack(app, 'Baosong', { env: { region: REGION } });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as SynthTemplate;
  return { dir, stack, template, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Resolves a CloudFormation value with `names`: `Ref` of a logical id or pseudo parameter,
 * `Fn::GetAtt` as `<logicalId>.<attribute>`, `Fn::Join`, `Fn::Sub` of pseudo parameters.
 * A reference with no stand-in throws, naming it (add it to the test's stand-ins).
 */
export function resolveValue(value: Json, names: Record<string, string>): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const v = value as Record<string, Json>;
  const named = (name: string) => {
    const found = names[name];
    if (found === undefined) throw new Error(`no stand-in for ${name}: add it to the test's names`);
    return found;
  };
  if ('Ref' in v) return named(String(v.Ref));
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    return named(`${id}.${attr}`);
  }
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, Json[]];
    return parts.map((p) => resolveValue(p, names)).join(sep);
  }
  if ('Fn::Sub' in v && typeof v['Fn::Sub'] === 'string')
    return (v['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, n: string) => named(n));
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

export type DeployedFunction = {
  /** The bundle file Lambda loads (`<asset dir>/<module>.mjs`) and the export it calls. */
  file: string;
  exportName: string;
  /** The function's Environment.Variables as the template gives them, references resolved. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
};

/** A function of the synthesized template: its code asset, handler and resolved environment. */
export function deployedFunction(
  syn: Synthesized,
  logicalId: string,
  names: Record<string, string>,
): DeployedFunction {
  const props = syn.template.Resources[logicalId]?.Properties;
  if (!props) throw new Error(`no resource ${logicalId}`);
  const code = props.Code as { S3Key: string };
  const assetHash = code.S3Key.replace(/\.zip$/, '');
  const [module, exportName] = String(props.Handler).split('.') as [string, string];
  const vars = ((props.Environment as { Variables?: Record<string, Json> })?.Variables ?? {}) as Record<
    string,
    Json
  >;
  return {
    file: join(syn.dir, `asset.${assetHash}`, `${module}.mjs`),
    exportName,
    environment: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolveValue(v, names)])),
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
  };
}

// The child: what the Lambda Node.js runtime does for one invocation (import the module, call
// the handler with the event and a context, return its result).
const CHILD = `
const [file, exportName, eventFile, outFile, timeoutMs, functionName] = process.argv.slice(1);
const { readFileSync, writeFileSync } = await import('node:fs');
const mod = await import(file);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const deadline = Date.now() + Number(timeoutMs);
const context = {
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:' + process.env.AWS_REGION + ':111122223333:function:' + functionName,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: '2026/04/20/[$LATEST]example',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const result = await mod[exportName](event, context);
writeFileSync(outFile, JSON.stringify(result === undefined ? null : result));
`;

export type Invocation = { result: unknown; output: string };

/**
 * Invokes the deployed function once in a fresh Node process whose environment is exactly the
 * function's (from the template) plus what the Lambda runtime sets; `extraEnv` adds the stand-ins'
 * endpoints (AWS_ENDPOINT_URL_*) and credentials. Rejects with the process's output on failure.
 */
export async function invoke(
  fn: DeployedFunction,
  functionName: string,
  event: unknown,
  extraEnv: Record<string, string>,
): Promise<Invocation> {
  const work = mkdtempSync(join(tmpdir(), 'baosong-invoke-'));
  const eventFile = join(work, 'event.json');
  const outFile = join(work, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const env: Record<string, string> = {
    ...fn.environment,
    // What the Lambda runtime adds (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...extraEnv,
  };
  try {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          CHILD,
          pathToFileURL(fn.file).href,
          fn.exportName,
          eventFile,
          outFile,
          String(fn.timeoutSeconds * 1000),
          functionName,
        ],
        { env, cwd: join(fn.file, '..'), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const out = `${stdout}${stderr}`;
          if (err) reject(new Error(`${functionName} failed (${err.message.split('\n')[0]}):\n${out}`));
          else resolve(out);
        },
      );
    });
    return { result: JSON.parse(readFileSync(outFile, 'utf8')), output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
