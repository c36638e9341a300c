import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../platform/db/connect.ts';
import type { PlatformTables } from '../../platform/db/schema.ts';
import { backupDatabase } from '../../platform/db/backup.ts';
import { seedPlatformDemo } from '../../seed/demo.ts';
import { registerDrillCommands } from './cli.ts';
import { seedHealthRecordsDemo } from './seed.ts';
import { openWorld, type World } from './test-support.ts';
import { findDuplicateCandidates } from './duplicates.ts';

describe('yiwang drill (registerDrillCommands) on the demo data', () => {
  let w: World;
  const dir = mkdtempSync(path.join(tmpdir(), 'yiwang-hr-cli-'));
  beforeAll(async () => {
    w = await openWorld('sqlite');
    // The platform demo seed expects an empty database; ours adds to it.
    await w.t.db.kysely.deleteFrom('staff').execute();
    await w.t.db.kysely.deleteFrom('organisations').execute();
    await w.t.db.kysely.deleteFrom('streets').execute();
    const platformDb = w.t.db as unknown as Db<PlatformTables>;
    await seedPlatformDemo(platformDb, w.clock, 60);
    expect(await seedHealthRecordsDemo(platformDb, w.clock)).toEqual({ integrated: 30, people: 40 });
    expect(await seedHealthRecordsDemo(platformDb, w.clock)).toBeUndefined();
  });
  afterAll(async () => {
    await w.t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const program = new Command('yiwang').exitOverride();
    registerDrillCommands(program, () => ({ db: { ...w.t.db, close: async () => undefined } as unknown as Db<PlatformTables>, config: { clock: w.clock } }));
    process.exitCode = undefined;
    try {
      await program.parseAsync(['node', 'yiwang', ...args]);
    } finally {
      log.mockRestore();
    }
    const code = process.exitCode ?? 0;
    process.exitCode = undefined;
    return { code, out: out.join('\n') };
  };

  it('seeds demo records, a pending application and one duplicate pair', async () => {
    expect(Number((await w.t.db.kysely.selectFrom('hr_documents').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(40 * 4 + 15 + 1);
    expect((await w.t.db.kysely.selectFrom('hr_grants').select('status').where('kind', '=', 'application').executeTakeFirstOrThrow()).status).toBe('submitted');
    expect(await findDuplicateCandidates(w.t.db.kysely)).toHaveLength(1);
  });

  it('drills a fresh backup of the live database and passes', async () => {
    const r = await run(['drill']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/restore drill PASSED \(依据 西卫〔2019〕4号 第九条/);
    expect(r.out).toMatch(/audit chain intact/);
  });

  it('fails (exit 1) on a corrupted backup file and says why', async () => {
    const file = path.join(dir, 'b.jsonl.gz');
    await backupDatabase(w.t.db, file);
    const bytes = readFileSync(file);
    const at = Math.floor(bytes.length / 3);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x5a, at);
    writeFileSync(file, bytes);
    const r = await run(['drill', '--file', file, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: expect.stringMatching(/corrupt/) });
  });
});
