import { buildTemplateDump } from './database';

export default async function globalSetup(): Promise<void> {
  process.env.AFTERCARE_TEST_RUN = String(process.pid);
  if (!process.env.TEST_DATABASE_URL) await buildTemplateDump();
}
