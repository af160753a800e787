import { z } from 'zod';
import type { PrismaClient } from '../../../services/db/client';
import type { ShopInfo } from '../../aftercare-bot';

/** What every REST route module gets. */
export interface ApiOptions {
  prisma: PrismaClient;
  shop: ShopInfo;
  now: () => Date;
}

/** Row ids (cuid): checked before any query, so junk never reaches the database. */
export const idSchema = z.string().regex(/^[A-Za-z0-9]{20,40}$/, 'not a valid id');

/** Either way of sending the key (OpenAPI security requirement). */
export const apiSecurity: Array<Record<string, string[]>> = [{ apiKey: [] }, { bearer: [] }];
