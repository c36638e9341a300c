import { formatCitation, type Citation } from '../../platform/law/decision.ts';
import { uploadCitation } from './citations.ts';

/**
 * 西卫〔2019〕4号 第十条: 不得将全民健康信息在境外的服务器中存储，不得托管、租赁在境外的服务器.
 * The storage location is a setting (YIWANG_STORAGE_REGION) that names where the database and its
 * backups live; the server refuses to start unless it names a place in mainland China. Hong Kong,
 * Macao and Taiwan regions are outside the mainland for this purpose and are refused.
 */
export const defaultStorageRegion = 'cn-beijing';

/** Mainland cloud regions and on-premises sites by name; anything else is refused. */
const mainlandRegions: ReadonlySet<string> = new Set([
  // Generic and Alibaba Cloud style
  'cn-beijing', 'cn-shanghai', 'cn-hangzhou', 'cn-shenzhen', 'cn-qingdao', 'cn-zhangjiakou', 'cn-huhehaote',
  'cn-wulanchabu', 'cn-chengdu', 'cn-heyuan', 'cn-guangzhou', 'cn-nanjing', 'cn-fuzhou', 'cn-wuhan',
  // AWS China, Huawei Cloud
  'cn-north-1', 'cn-northwest-1', 'cn-north-4', 'cn-north-9', 'cn-east-2', 'cn-east-3', 'cn-south-1', 'cn-southwest-2',
  // Tencent Cloud
  'ap-beijing', 'ap-shanghai', 'ap-guangzhou', 'ap-chengdu', 'ap-chongqing', 'ap-nanjing',
  // The district's own machine rooms
  'on-premises-xicheng', 'on-premises-beijing',
]);

export class StorageLocationError extends Error {
  readonly citation: Citation = uploadCitation;
  constructor(readonly region: string) {
    super(
      `存储位置 ${JSON.stringify(region)} 不在中国境内（大陆），拒绝启动：各责任单位均不得将全民健康信息在境外的服务器中存储（${formatCitation(uploadCitation)}）。` +
        ` / Storage location ${JSON.stringify(region)} is not in mainland China; refusing to start (${formatCitation(uploadCitation, 'en')}: health information must not be stored on servers outside China).` +
        ` Set YIWANG_STORAGE_REGION to a mainland region such as ${defaultStorageRegion}.`,
    );
    this.name = 'StorageLocationError';
  }
}

export interface StorageSettings {
  /** Overrides the environment when given. */
  readonly storageRegion?: string | undefined;
  readonly databaseUrl?: string | undefined;
}

export function storageRegionOf(config: StorageSettings, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return (config.storageRegion ?? env.YIWANG_STORAGE_REGION ?? '').trim().toLowerCase() || defaultStorageRegion;
}

export function isMainlandRegion(region: string): boolean {
  return mainlandRegions.has(region.trim().toLowerCase());
}

/** Throws StorageLocationError (with its citation) unless the configured storage is in mainland China. */
export function assertStorageInMainland(config: StorageSettings = {}, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const region = storageRegionOf(config, env);
  if (!isMainlandRegion(region)) throw new StorageLocationError(region);
  return region;
}
