/*
  Warnings:

  - A unique constraint covering the columns `[idempotencyKey]` on the table `Booking` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "ActivityStatus" AS ENUM ('RUNNING', 'DONE');

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "idempotencyKey" TEXT;

-- AlterTable
ALTER TABLE "ProcessedActivity" ADD COLUMN     "leaseUntil" TIMESTAMPTZ(3),
ADD COLUMN     "replies" JSONB,
ADD COLUMN     "status" "ActivityStatus" NOT NULL DEFAULT 'DONE';

-- CreateIndex
CREATE UNIQUE INDEX "Booking_idempotencyKey_key" ON "Booking"("idempotencyKey");
