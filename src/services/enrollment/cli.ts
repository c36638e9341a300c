/**
 * `yiwang lottery …`: verify a published draw from a file or the database, make a secret and its
 * commitment offline, export a draw file. Wire with registerLotteryCommands(program, open) in
 * src/cli/main.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Db } from '../../platform/db/connect.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import type { EnrollmentDb } from './schema.ts';
import { commitmentOf } from './lottery/protocol.ts';
import { verifyPublishedDraw, type PublishedDraw, type Verification } from './lottery/published.ts';
import { publishedDrawFile } from './store/draws.ts';

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: Output = { log: (l) => console.log(l), error: (l) => console.error(l) };

function report(v: Verification, label: string, out: Output): number {
  for (const s of v.steps) (s.ok ? out.log : out.error)(`${s.ok ? 'ok  ' : 'FAIL'} ${s.en}`);
  if (v.ok) out.log(`verified: ${label} recomputed bit for bit from its published inputs`);
  else out.error(`NOT verified: ${label}`);
  return v.ok ? 0 : 1;
}

/**
 * Verify a draw. `target` is a draw file (yiwang-lottery/v1 JSON) or a draw id in the database.
 * Returns the exit code: 0 verified, 1 a check failed, 2 the draw could not be read.
 */
export async function verifyLotteryTarget(target: string, open: () => Db<PlatformTables>, out: Output = consoleOutput): Promise<number> {
  if (existsSync(target)) {
    let file: PublishedDraw;
    try {
      file = JSON.parse(readFileSync(target, 'utf8')) as PublishedDraw;
    } catch (e) {
      out.error(`cannot read ${target}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
    if (!file || typeof file !== 'object' || !Array.isArray(file.roster) || !Array.isArray(file.numbers)) {
      out.error(`${target} is not a yiwang-lottery draw file`);
      return 2;
    }
    return report(verifyPublishedDraw(file), `${target} (draw ${file.draw?.id ?? '?'})`, out);
  }
  if (!/^\d{1,9}$/.test(target)) {
    out.error(`${target}: no such file, and not a draw id`);
    return 2;
  }
  const db = open() as unknown as Db<EnrollmentDb>;
  try {
    const file = await publishedDrawFile(db.kysely, Number(target));
    if (!file) {
      out.error(`draw ${target} is not published (or does not exist)`);
      return 2;
    }
    return report(verifyPublishedDraw(file), `draw ${target} in ${db.where}`, out);
  } finally {
    await db.close();
  }
}

/** A fresh 32-byte secret and its commitment, made on the operator's machine, never sent anywhere. */
export function newSecret(): { secret: string; commitment: string } {
  const secret = randomBytes(32).toString('hex');
  return { secret, commitment: commitmentOf(secret) };
}

export async function exportDraw(id: string, file: string | undefined, open: () => Db<PlatformTables>, out: Output = consoleOutput): Promise<number> {
  const db = open() as unknown as Db<EnrollmentDb>;
  try {
    const draw = /^\d{1,9}$/.test(id) ? await publishedDrawFile(db.kysely, Number(id)) : undefined;
    if (!draw) {
      out.error(`draw ${id} is not published (or does not exist)`);
      return 2;
    }
    const target = file ?? `draw-${id}.json`;
    writeFileSync(target, `${JSON.stringify(draw, null, 1)}\n`);
    out.log(`wrote ${target}: ${draw.roster.length} children, result hash ${draw.resultHash}`);
    return 0;
  } finally {
    await db.close();
  }
}

export function registerLotteryCommands(program: Command, open: () => Db<PlatformTables>): void {
  const lottery = program.command('lottery').description('verifiable school lottery (计算机派位, 西教发〔2019〕10号)');
  lottery
    .command('verify')
    .argument('<draw>', 'a published draw file (JSON) or a draw id in the database')
    .description('recompute a published draw from its inputs and compare every number and placement; exits 1 if anything differs')
    .action(async (target: string) => {
      process.exitCode = await verifyLotteryTarget(target, open);
    });
  lottery
    .command('secret')
    .description('make a 32-byte secret and its commitment offline; publish the commitment, keep the secret until the draw')
    .action(() => {
      const s = newSecret();
      console.log(`secret:     ${s.secret}`);
      console.log(`commitment: ${s.commitment}`);
    });
  lottery
    .command('export')
    .argument('<draw-id>', 'a published draw')
    .argument('[file]', 'where to write it (default draw-<id>.json)')
    .description('write the published draw file anyone can verify')
    .action(async (id: string, file?: string) => {
      process.exitCode = await exportDraw(id, file, open);
    });
}
