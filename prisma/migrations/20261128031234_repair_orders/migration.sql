-- Prisma's BEGIN/COMMIT around the enum rewrites are removed: the migration runner
-- already applies each migration in one transaction, and a COMMIT here would end it early.
-- No repair order existed before this migration, so dropped columns lose nothing.
/*
  Warnings:

  - The values [PENDING,DECIDED,EXPIRED] on the enum `ExtraWorkStatus` will be removed. If these variants are still used in the database, this will fail.
  - The values [OPEN,PICKED_UP] on the enum `RepairOrderStatus` will be removed. If these variants are still used in the database, this will fail.
  - You are about to drop the column `priceVersion` on the `ExtraWorkDecision` table. All the data in the column will be lost.
  - You are about to drop the column `descriptionEn` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `descriptionZh` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `labourHours` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `partId` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `partQuantity` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `priceFen` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `priceVersion` on the `ExtraWorkItem` table. All the data in the column will be lost.
  - You are about to drop the column `sentAt` on the `ExtraWorkRequest` table. All the data in the column will be lost.
  - You are about to drop the column `invoiceJson` on the `RepairOrder` table. All the data in the column will be lost.
  - You are about to drop the column `openedAt` on the `RepairOrder` table. All the data in the column will be lost.
  - You are about to drop the column `pickedUpAt` on the `RepairOrder` table. All the data in the column will be lost.
  - You are about to drop the column `coverage` on the `RepairOrderLine` table. All the data in the column will be lost.
  - A unique constraint covering the columns `[itemId,itemRevision]` on the table `ExtraWorkDecision` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[channel,activityId,itemId]` on the table `ExtraWorkDecision` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[requestId,position]` on the table `ExtraWorkItem` will be added. If there are existing duplicate values, this will fail.
  - A unique constraint covering the columns `[correctsId]` on the table `RepairOrderLine` will be added. If there are existing duplicate values, this will fail.
  - Added the required column `itemHash` to the `ExtraWorkDecision` table without a default value. This is not possible if the table is not empty.
  - Added the required column `itemRevision` to the `ExtraWorkDecision` table without a default value. This is not possible if the table is not empty.
  - Added the required column `versionHash` to the `ExtraWorkDecision` table without a default value. This is not possible if the table is not empty.
  - Added the required column `versionId` to the `ExtraWorkDecision` table without a default value. This is not possible if the table is not empty.
  - Added the required column `position` to the `ExtraWorkItem` table without a default value. This is not possible if the table is not empty.
  - Added the required column `titleEn` to the `ExtraWorkItem` table without a default value. This is not possible if the table is not empty.
  - Added the required column `titleZh` to the `ExtraWorkItem` table without a default value. This is not possible if the table is not empty.
  - Added the required column `urgency` to the `ExtraWorkItem` table without a default value. This is not possible if the table is not empty.
  - Added the required column `checkedInAt` to the `RepairOrder` table without a default value. This is not possible if the table is not empty.
  - Added the required column `concern` to the `RepairOrder` table without a default value. This is not possible if the table is not empty.

*/
-- CreateEnum
CREATE TYPE "LineStatus" AS ENUM ('ACTIVE', 'CORRECTED', 'REMOVED');

-- CreateEnum
CREATE TYPE "ExtraWorkUrgency" AS ENUM ('RED', 'YELLOW', 'GREEN');

-- AlterEnum
ALTER TYPE "AdvisorTaskKind" ADD VALUE 'PROMISE_AT_RISK';

-- AlterEnum
ALTER TYPE "Coverage" ADD VALUE 'INTERNAL';

-- AlterEnum
ALTER TYPE "Decision" ADD VALUE 'DEFERRED';

-- AlterEnum
ALTER TYPE "ExtraWorkItemStatus" ADD VALUE 'DEFERRED';
ALTER TYPE "ExtraWorkItemStatus" ADD VALUE 'WITHDRAWN';

-- AlterEnum
CREATE TYPE "ExtraWorkStatus_new" AS ENUM ('OPEN', 'CLOSED', 'WITHDRAWN');
ALTER TABLE "public"."ExtraWorkRequest" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "ExtraWorkRequest" ALTER COLUMN "status" TYPE "ExtraWorkStatus_new" USING ("status"::text::"ExtraWorkStatus_new");
ALTER TYPE "ExtraWorkStatus" RENAME TO "ExtraWorkStatus_old";
ALTER TYPE "ExtraWorkStatus_new" RENAME TO "ExtraWorkStatus";
DROP TYPE "public"."ExtraWorkStatus_old";
ALTER TABLE "ExtraWorkRequest" ALTER COLUMN "status" SET DEFAULT 'OPEN';

-- AlterEnum
CREATE TYPE "RepairOrderStatus_new" AS ENUM ('CHECKED_IN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'READY', 'DELIVERED', 'CLOSED', 'CANCELLED');
ALTER TABLE "public"."RepairOrder" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "RepairOrder" ALTER COLUMN "status" TYPE "RepairOrderStatus_new" USING ("status"::text::"RepairOrderStatus_new");
ALTER TYPE "RepairOrderStatus" RENAME TO "RepairOrderStatus_old";
ALTER TYPE "RepairOrderStatus_new" RENAME TO "RepairOrderStatus";
DROP TYPE "public"."RepairOrderStatus_old";
ALTER TABLE "RepairOrder" ALTER COLUMN "status" SET DEFAULT 'CHECKED_IN';

-- DropIndex
DROP INDEX "ExtraWorkDecision_itemId_idx";

-- DropIndex
DROP INDEX "RepairOrderLine_extraWorkItemId_key";

-- DropIndex
DROP INDEX "RepairOrderLine_repairOrderId_idx";

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "estimateJson" JSONB;

-- AlterTable
ALTER TABLE "ExtraWorkDecision" DROP COLUMN "priceVersion",
ADD COLUMN     "advisorId" TEXT,
ADD COLUMN     "identityId" TEXT,
ADD COLUMN     "itemHash" TEXT NOT NULL,
ADD COLUMN     "itemRevision" INTEGER NOT NULL,
ADD COLUMN     "onBehalfReason" TEXT,
ADD COLUMN     "versionHash" TEXT NOT NULL,
ADD COLUMN     "versionId" TEXT NOT NULL,
ALTER COLUMN "decidedAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "ExtraWorkItem" DROP COLUMN "descriptionEn",
DROP COLUMN "descriptionZh",
DROP COLUMN "labourHours",
DROP COLUMN "partId",
DROP COLUMN "partQuantity",
DROP COLUMN "priceFen",
DROP COLUMN "priceVersion",
ADD COLUMN     "catalogItemId" TEXT,
ADD COLUMN     "photoUrls" TEXT[],
ADD COLUMN     "position" INTEGER NOT NULL,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "titleEn" TEXT NOT NULL,
ADD COLUMN     "titleZh" TEXT NOT NULL,
ADD COLUMN     "urgency" "ExtraWorkUrgency" NOT NULL;

-- AlterTable
ALTER TABLE "ExtraWorkRequest" DROP COLUMN "sentAt",
ADD COLUMN     "currentVersion" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "expiredAt" TIMESTAMPTZ(3),
ALTER COLUMN "status" SET DEFAULT 'OPEN',
ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Part" ADD COLUMN     "spec" TEXT;

-- AlterTable
ALTER TABLE "RepairOrder" DROP COLUMN "invoiceJson",
DROP COLUMN "openedAt",
DROP COLUMN "pickedUpAt",
ADD COLUMN     "amendedAfterSettlementAt" TIMESTAMPTZ(3),
ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMPTZ(3),
ADD COLUMN     "checkedInAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "closeReason" TEXT,
ADD COLUMN     "closedAt" TIMESTAMPTZ(3),
ADD COLUMN     "concern" TEXT NOT NULL,
ADD COLUMN     "deliveredAt" TIMESTAMPTZ(3),
ADD COLUMN     "discountBp" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "discountFen" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "discountReason" TEXT,
ADD COLUMN     "estimateFen" INTEGER,
ADD COLUMN     "estimateJson" JSONB,
ADD COLUMN     "reopenCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "settledAt" TIMESTAMPTZ(3),
ADD COLUMN     "settlementJson" JSONB,
ALTER COLUMN "status" SET DEFAULT 'CHECKED_IN';

-- AlterTable
ALTER TABLE "RepairOrderLine" DROP COLUMN "coverage",
ADD COLUMN     "changeReason" TEXT,
ADD COLUMN     "correctsId" TEXT,
ADD COLUMN     "extraWorkLineId" TEXT,
ADD COLUMN     "payer" "Coverage",
ADD COLUMN     "retiredAt" TIMESTAMPTZ(3),
ADD COLUMN     "sku" TEXT,
ADD COLUMN     "spec" TEXT,
ADD COLUMN     "status" "LineStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "unit" TEXT,
ALTER COLUMN "coveragePercent" DROP NOT NULL,
ALTER COLUMN "coveragePercent" DROP DEFAULT,
ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "ServiceCatalogItem" ADD COLUMN     "warrantyCovered" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "approvalWindowMinutes" INTEGER NOT NULL DEFAULT 120,
ADD COLUMN     "followUpDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "promiseWarningMinutes" INTEGER NOT NULL DEFAULT 60;

-- CreateTable
CREATE TABLE "MileageReading" (
    "id" TEXT NOT NULL,
    "vehicleId" TEXT NOT NULL,
    "km" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "repairOrderId" TEXT,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MileageReading_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepairOrderPromise" (
    "id" TEXT NOT NULL,
    "repairOrderId" TEXT NOT NULL,
    "promisedAt" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RepairOrderPromise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkLine" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "LineKind" NOT NULL,
    "catalogItemId" TEXT,
    "partId" TEXT,
    "sku" TEXT,
    "spec" TEXT,
    "unit" TEXT,
    "descriptionZh" TEXT NOT NULL,
    "descriptionEn" TEXT NOT NULL,
    "quantity" DECIMAL(10,3) NOT NULL,
    "unitPriceFen" INTEGER NOT NULL,
    "payer" "Coverage",
    "coveragePercent" INTEGER,
    "sinceVersion" INTEGER NOT NULL,
    "retiredInVersion" INTEGER,

    CONSTRAINT "ExtraWorkLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkVersion" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "shown" JSONB NOT NULL,
    "totalFen" INTEGER NOT NULL,
    "difference" JSONB,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ExtraWorkVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkVersionItem" (
    "versionId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "totalFen" INTEGER NOT NULL,
    "shown" JSONB NOT NULL,

    CONSTRAINT "ExtraWorkVersionItem_pkey" PRIMARY KEY ("versionId","itemId")
);

-- CreateIndex
CREATE INDEX "MileageReading_vehicleId_recordedAt_idx" ON "MileageReading"("vehicleId", "recordedAt");

-- CreateIndex
CREATE INDEX "RepairOrderPromise_repairOrderId_createdAt_idx" ON "RepairOrderPromise"("repairOrderId", "createdAt");

-- CreateIndex
CREATE INDEX "ExtraWorkLine_itemId_idx" ON "ExtraWorkLine"("itemId");

-- CreateIndex
CREATE UNIQUE INDEX "ExtraWorkVersion_hash_key" ON "ExtraWorkVersion"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "ExtraWorkVersion_requestId_number_key" ON "ExtraWorkVersion"("requestId", "number");

-- CreateIndex
CREATE INDEX "ExtraWorkDecision_customerId_idx" ON "ExtraWorkDecision"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "ExtraWorkDecision_itemId_itemRevision_key" ON "ExtraWorkDecision"("itemId", "itemRevision");

-- CreateIndex
CREATE UNIQUE INDEX "ExtraWorkDecision_channel_activityId_itemId_key" ON "ExtraWorkDecision"("channel", "activityId", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "ExtraWorkItem_requestId_position_key" ON "ExtraWorkItem"("requestId", "position");

-- CreateIndex
CREATE INDEX "RepairOrder_vehicleId_idx" ON "RepairOrder"("vehicleId");

-- CreateIndex
CREATE INDEX "RepairOrder_shopId_checkedInAt_idx" ON "RepairOrder"("shopId", "checkedInAt");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrderLine_correctsId_key" ON "RepairOrderLine"("correctsId");

-- CreateIndex
CREATE INDEX "RepairOrderLine_repairOrderId_status_idx" ON "RepairOrderLine"("repairOrderId", "status");

-- CreateIndex
CREATE INDEX "RepairOrderLine_extraWorkItemId_idx" ON "RepairOrderLine"("extraWorkItemId");

-- AddForeignKey
ALTER TABLE "MileageReading" ADD CONSTRAINT "MileageReading_vehicleId_fkey" FOREIGN KEY ("vehicleId") REFERENCES "Vehicle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderPromise" ADD CONSTRAINT "RepairOrderPromise_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_correctsId_fkey" FOREIGN KEY ("correctsId") REFERENCES "RepairOrderLine"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkLine" ADD CONSTRAINT "ExtraWorkLine_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ExtraWorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkVersion" ADD CONSTRAINT "ExtraWorkVersion_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ExtraWorkRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkVersionItem" ADD CONSTRAINT "ExtraWorkVersionItem_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ExtraWorkVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkVersionItem" ADD CONSTRAINT "ExtraWorkVersionItem_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ExtraWorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ExtraWorkVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written CHECK constraints and triggers (not generated by Prisma; the engine's diff does not see them).
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_discount_range" CHECK ("discountBp" BETWEEN 0 AND 10000 AND "discountFen" >= 0);
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_money_nonneg" CHECK (("estimateFen" IS NULL OR "estimateFen" >= 0) AND ("mileageInKm" IS NULL OR "mileageInKm" >= 0));
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_number_format" CHECK ("number" ~ '^RO-[0-9]{8}-[0-9]{4,}$');
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_quantity_nonneg" CHECK ("quantity" >= 0);
ALTER TABLE "ExtraWorkLine" ADD CONSTRAINT "ExtraWorkLine_money_nonneg" CHECK ("unitPriceFen" >= 0 AND "quantity" >= 0);
ALTER TABLE "ExtraWorkLine" ADD CONSTRAINT "ExtraWorkLine_coveragePercent_range" CHECK ("coveragePercent" BETWEEN 0 AND 100);
ALTER TABLE "ExtraWorkVersion" ADD CONSTRAINT "ExtraWorkVersion_totalFen_nonneg" CHECK ("totalFen" >= 0);
ALTER TABLE "ExtraWorkVersion" ADD CONSTRAINT "ExtraWorkVersion_hash_is_sha256" CHECK ("hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "ExtraWorkVersionItem" ADD CONSTRAINT "ExtraWorkVersionItem_totalFen_nonneg" CHECK ("totalFen" >= 0);
ALTER TABLE "ExtraWorkVersionItem" ADD CONSTRAINT "ExtraWorkVersionItem_hash_is_sha256" CHECK ("hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "MileageReading" ADD CONSTRAINT "MileageReading_km_nonneg" CHECK ("km" >= 0);
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_repair_settings_range" CHECK ("approvalWindowMinutes" > 0 AND "followUpDays" >= 0 AND "promiseWarningMinutes" >= 0);

-- A decision is the customer's own (from a chat identity) or an advisor's on their behalf, with a reason.
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_who" CHECK (
  ("identityId" IS NOT NULL AND "advisorId" IS NULL AND "onBehalfReason" IS NULL)
  OR ("advisorId" IS NOT NULL AND "onBehalfReason" IS NOT NULL AND length(btrim("onBehalfReason")) > 0)
);
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_hashes_are_sha256" CHECK ("versionHash" ~ '^[0-9a-f]{64}$' AND "itemHash" ~ '^[0-9a-f]{64}$');

-- What the customer was shown and what they decided is evidence: never rewritten.
CREATE FUNCTION "aftercare_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$;
CREATE TRIGGER "ExtraWorkDecision_append_only" BEFORE UPDATE OR DELETE ON "ExtraWorkDecision" FOR EACH ROW EXECUTE FUNCTION "aftercare_refuse_change"();
CREATE TRIGGER "ExtraWorkVersion_immutable" BEFORE UPDATE ON "ExtraWorkVersion" FOR EACH ROW EXECUTE FUNCTION "aftercare_refuse_change"();
CREATE TRIGGER "ExtraWorkVersionItem_immutable" BEFORE UPDATE ON "ExtraWorkVersionItem" FOR EACH ROW EXECUTE FUNCTION "aftercare_refuse_change"();
