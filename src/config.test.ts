import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';

describe('configFromEnv', () => {
  it('has no reply delay unless a crash test asks for one, and never in production', () => {
    expect(configFromEnv({}).faultReplyDelayMs).toBe(0);
    expect(configFromEnv({ YIWANG_FAULT_REPLY_DELAY_MS: '250' }).faultReplyDelayMs).toBe(250);
    expect(() => configFromEnv({ YIWANG_FAULT_REPLY_DELAY_MS: '250', NODE_ENV: 'production' })).toThrow(/crash tests/);
    expect(() => configFromEnv({ YIWANG_FAULT_REPLY_DELAY_MS: '-1' })).toThrow(/YIWANG_FAULT_REPLY_DELAY_MS/);
  });
});
