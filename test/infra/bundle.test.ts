// One real bundle (esbuild, locally, no Docker) with exactly the stack's bundling options.
// BAOSONG_BUNDLE_ALL=1 bundles every function instead of just `api` and `sender`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { afterAll, describe, expect, it } from 'vitest';
import { functionSpecs, type LambdaName } from '../../infra/functions';
import { bundlingFor, projectRoot } from '../../infra/stack';

const MAX_BYTES = 1.5 * 1024 * 1024;
const all = Object.keys(functionSpecs) as LambdaName[];
const selected: LambdaName[] = process.env.BAOSONG_BUNDLE_ALL === '1' ? all : ['api', 'sender'];
const outdirs: string[] = [];

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('Lambda bundles', () => {
  it.each(selected)(
    '%s bundles to one ESM file under 1.5 MB',
    (name) => {
      const outdir = mkdtempSync(join(tmpdir(), 'baosong-bundle-'));
      outdirs.push(outdir);
      const app = new App({ outdir });
      const stack = new Stack(app, 'Bundle');
      new NodejsFunction(stack, 'Fn', {
        entry: join(projectRoot, functionSpecs[name].entry),
        handler: 'handler',
        projectRoot,
        depsLockFilePath: join(projectRoot, 'package-lock.json'),
        runtime: Runtime.NODEJS_24_X,
        architecture: Architecture.ARM_64,
        bundling: bundlingFor('global'),
      });
      app.synth();

      const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
      expect(assets).toHaveLength(1);
      const dir = join(outdir, assets[0] as string);
      expect(readdirSync(dir).sort()).toEqual(['index.mjs']); // no source map
      const file = join(dir, 'index.mjs');
      const size = statSync(file).size;
      console.log(`bundle ${name}: ${(size / 1024).toFixed(1)} KB`);
      expect(size).toBeLessThan(MAX_BYTES);

      const code = readFileSync(file, 'utf8');
      // ESM: the banner's import, an export of `handler`, and no CommonJS exports object.
      expect(
        code.startsWith('import{createRequire}from"node:module"') ||
          code.startsWith('import { createRequire }'),
      ).toBe(true);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*handler\b/);
      expect(code).not.toMatch(/\bmodule\.exports\s*=/);
      expect(code).not.toMatch(/sourceMappingURL/);
      // The SDK's credential chain is replaced by infra/lambda/credentials.ts (SSO/INI/STS left out).
      expect(code).not.toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
      expect(code).not.toContain('sso_region');
      expect(code).toContain('AWS credentials are not in the environment');
      // The SDK's event-stream codec is replaced by infra/lambda/event-streams.ts (no operation uses one).
      expect(code).not.toContain(':message-type');
      expect(code).toContain('Event streams are not bundled');
      // The global profile's bundle carries no SMTP mailer (nodemailer) and no Secrets Manager client.
      expect(code).not.toMatch(/nodemailer/i);
      expect(code).not.toContain('GetSecretValue');
      if (name === 'sender') expect(code).toContain('SendEmail'); // SES is in
    },
    180_000,
  ); // esbuild on a shared, loaded machine can take over a minute
});
