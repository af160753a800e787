-- AlterEnum
ALTER TYPE "OutboundStatus" ADD VALUE 'WAITING_FOR_CUSTOMER';

-- AlterTable
ALTER TABLE "OutboundMessage" ADD COLUMN     "notice" JSONB;

-- CreateTable
CREATE TABLE "OfficialAccountWindow" (
    "appId" TEXT NOT NULL,
    "openid" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "openedBy" TEXT NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OfficialAccountWindow_pkey" PRIMARY KEY ("appId","openid")
);

-- CreateIndex
CREATE INDEX "OutboundMessage_identityId_status_idx" ON "OutboundMessage"("identityId", "status");

-- A count of messages sent, never negative (a released slot gives back only what it took).
ALTER TABLE "OfficialAccountWindow" ADD CONSTRAINT "OfficialAccountWindow_sent_check" CHECK ("sent" >= 0);
