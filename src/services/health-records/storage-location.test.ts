import { describe, expect, it } from 'vitest';
import { assertStorageInMainland, StorageLocationError } from './storage-location.ts';

describe('storage location (西卫〔2019〕4号 第十条)', () => {
  it('defaults to cn-beijing and accepts mainland regions', () => {
    expect(assertStorageInMainland({}, {})).toBe('cn-beijing');
    expect(assertStorageInMainland({}, { YIWANG_STORAGE_REGION: 'cn-shanghai' })).toBe('cn-shanghai');
    expect(assertStorageInMainland({ storageRegion: 'on-premises-xicheng' }, {})).toBe('on-premises-xicheng');
  });

  it.each(['cn-hongkong', 'ap-hongkong', 'ap-singapore', 'us-east-1', 'eu-west-1', 'ap-northeast-1', 'somewhere'])('refuses to start with storage in %s, citing the article', (region) => {
    expect(() => assertStorageInMainland({}, { YIWANG_STORAGE_REGION: region })).toThrow(StorageLocationError);
    try {
      assertStorageInMainland({}, { YIWANG_STORAGE_REGION: region });
    } catch (e) {
      expect((e as StorageLocationError).citation).toEqual({ doc: '西卫〔2019〕4号', article: '第十条' });
      expect((e as Error).message).toContain('西卫〔2019〕4号 第十条');
    }
  });

  it('lets the platform config object be passed as is (extra fields ignored)', () => {
    const config = { port: 3000, host: '127.0.0.1', databaseUrl: undefined };
    expect(assertStorageInMainland(config, { YIWANG_STORAGE_REGION: 'CN-BEIJING' })).toBe('cn-beijing');
  });
});
