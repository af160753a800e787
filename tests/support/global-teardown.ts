import fs from 'node:fs';
import { templateDumpPath } from './database';

export default async function globalTeardown(): Promise<void> {
  fs.rmSync(templateDumpPath(), { force: true });
}
