-- CreateEnum
CREATE TYPE "CalendarDayKind" AS ENUM ('HOLIDAY', 'WORKDAY');

-- CreateEnum
CREATE TYPE "BayKind" AS ENUM ('GENERAL', 'ALIGNMENT', 'QUICK');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('ADVISOR', 'MANAGER');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('CONFIRMED', 'CHECKED_IN', 'COMPLETED', 'CANCELLED', 'NO_SHOW');

-- CreateEnum
CREATE TYPE "RepairOrderStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'READY', 'PICKED_UP', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LineKind" AS ENUM ('LABOUR', 'PART');

-- CreateEnum
CREATE TYPE "Coverage" AS ENUM ('CUSTOMER', 'WARRANTY', 'GOODWILL');

-- CreateEnum
CREATE TYPE "ExtraWorkStatus" AS ENUM ('PENDING', 'DECIDED', 'EXPIRED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "ExtraWorkItemStatus" AS ENUM ('PENDING', 'APPROVED', 'DECLINED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "Decision" AS ENUM ('APPROVED', 'DECLINED');

-- CreateEnum
CREATE TYPE "SurveyStatus" AS ENUM ('SCHEDULED', 'SENT', 'ANSWERED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "ComplaintSeverity" AS ENUM ('NORMAL', 'MAJOR');

-- CreateEnum
CREATE TYPE "ComplaintStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'RESOLVED');

-- CreateEnum
CREATE TYPE "AdvisorTaskKind" AS ENUM ('DECLINED_WORK', 'LOW_SCORE', 'COMPLAINT', 'MAINTENANCE_DUE', 'NO_SHOW', 'APPROVAL_EXPIRED', 'REGISTRATION_HELP', 'HANDOFF', 'PARTS_SHORTAGE', 'OTHER');

-- CreateEnum
CREATE TYPE "AdvisorTaskStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "HandoffStatus" AS ENUM ('WAITING', 'ACTIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "OutboundStatus" AS ENUM ('QUEUED', 'SENT', 'TEMPLATE_REQUIRED', 'FAILED');

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT,
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "phone" TEXT,
    "address" TEXT,
    "labourRateFen" INTEGER NOT NULL,
    "taxRateBp" INTEGER NOT NULL DEFAULT 1300,
    "slotMinutes" INTEGER NOT NULL DEFAULT 30,
    "bookingHorizonDays" INTEGER NOT NULL DEFAULT 60,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OpeningHours" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "weekday" INTEGER NOT NULL,
    "openMinute" INTEGER NOT NULL,
    "closeMinute" INTEGER NOT NULL,

    CONSTRAINT "OpeningHours_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkingCalendarDay" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "kind" "CalendarDayKind" NOT NULL,
    "name" TEXT NOT NULL,
    "openMinute" INTEGER,
    "closeMinute" INTEGER,

    CONSTRAINT "WorkingCalendarDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceBay" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "BayKind" NOT NULL DEFAULT 'GENERAL',
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "ServiceBay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Technician" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "skills" TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "Technician_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Advisor" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL DEFAULT 'ADVISOR',
    "mobile" TEXT,
    "email" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Advisor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Customer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mobile" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'zh',
    "consentService" BOOLEAN NOT NULL DEFAULT true,
    "consentMarketing" BOOLEAN NOT NULL DEFAULT false,
    "advisorId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelIdentity" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "displayName" TEXT,
    "customerId" TEXT,
    "advisorId" TEXT,
    "conversationReference" JSONB,
    "lastInboundAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChannelIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Vehicle" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "plate" TEXT NOT NULL,
    "vin" TEXT,
    "model" TEXT,
    "modelYear" INTEGER,
    "mileageKm" INTEGER,
    "mileageRecordedAt" TIMESTAMPTZ(3),
    "warrantyEndDate" DATE,
    "warrantyEndKm" INTEGER,
    "lastServiceAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Vehicle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceCatalogItem" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "aliases" TEXT[],
    "labourMinutes" INTEGER NOT NULL,
    "requiredSkill" TEXT,
    "bayKind" "BayKind" NOT NULL DEFAULT 'GENERAL',
    "intervalKm" INTEGER,
    "intervalMonths" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "ServiceCatalogItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceCatalogPart" (
    "id" TEXT NOT NULL,
    "catalogItemId" TEXT NOT NULL,
    "partId" TEXT NOT NULL,
    "quantity" DECIMAL(10,3) NOT NULL,

    CONSTRAINT "ServiceCatalogPart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Part" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "unit" TEXT NOT NULL DEFAULT '件',
    "unitPriceFen" INTEGER NOT NULL,
    "stockQty" DECIMAL(10,3) NOT NULL,
    "restockDate" DATE,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Part_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "vehicleId" TEXT NOT NULL,
    "bayId" TEXT,
    "technicianId" TEXT,
    "status" "BookingStatus" NOT NULL DEFAULT 'CONFIRMED',
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "estimateFen" INTEGER NOT NULL DEFAULT 0,
    "partsFlagged" BOOLEAN NOT NULL DEFAULT false,
    "channel" TEXT,
    "notes" TEXT,
    "cancelReason" TEXT,
    "cancelledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BookingLine" (
    "id" TEXT NOT NULL,
    "bookingId" TEXT NOT NULL,
    "catalogItemId" TEXT NOT NULL,

    CONSTRAINT "BookingLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BayOccupancy" (
    "bayId" TEXT NOT NULL,
    "slotStart" TIMESTAMPTZ(3) NOT NULL,
    "bookingId" TEXT NOT NULL,

    CONSTRAINT "BayOccupancy_pkey" PRIMARY KEY ("bayId","slotStart")
);

-- CreateTable
CREATE TABLE "TechnicianOccupancy" (
    "technicianId" TEXT NOT NULL,
    "slotStart" TIMESTAMPTZ(3) NOT NULL,
    "bookingId" TEXT NOT NULL,

    CONSTRAINT "TechnicianOccupancy_pkey" PRIMARY KEY ("technicianId","slotStart")
);

-- CreateTable
CREATE TABLE "RepairOrder" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "bookingId" TEXT,
    "customerId" TEXT NOT NULL,
    "vehicleId" TEXT NOT NULL,
    "advisorId" TEXT,
    "status" "RepairOrderStatus" NOT NULL DEFAULT 'OPEN',
    "mileageInKm" INTEGER,
    "openedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "promisedAt" TIMESTAMPTZ(3),
    "readyAt" TIMESTAMPTZ(3),
    "pickedUpAt" TIMESTAMPTZ(3),
    "invoiceJson" JSONB,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RepairOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RepairOrderLine" (
    "id" TEXT NOT NULL,
    "repairOrderId" TEXT NOT NULL,
    "kind" "LineKind" NOT NULL,
    "catalogItemId" TEXT,
    "partId" TEXT,
    "descriptionZh" TEXT NOT NULL,
    "descriptionEn" TEXT NOT NULL,
    "quantity" DECIMAL(10,3) NOT NULL,
    "unitPriceFen" INTEGER NOT NULL,
    "coverage" "Coverage" NOT NULL DEFAULT 'CUSTOMER',
    "coveragePercent" INTEGER NOT NULL DEFAULT 0,
    "extraWorkItemId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RepairOrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkRequest" (
    "id" TEXT NOT NULL,
    "repairOrderId" TEXT NOT NULL,
    "advisorId" TEXT,
    "status" "ExtraWorkStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ExtraWorkRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkItem" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "descriptionZh" TEXT NOT NULL,
    "descriptionEn" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "labourHours" DECIMAL(10,3) NOT NULL,
    "partId" TEXT,
    "partQuantity" DECIMAL(10,3),
    "priceFen" INTEGER NOT NULL,
    "priceVersion" INTEGER NOT NULL DEFAULT 1,
    "status" "ExtraWorkItemStatus" NOT NULL DEFAULT 'PENDING',
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ExtraWorkItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExtraWorkDecision" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "decision" "Decision" NOT NULL,
    "priceFen" INTEGER NOT NULL,
    "priceVersion" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "activityId" TEXT,
    "decidedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExtraWorkDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Survey" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "repairOrderId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "status" "SurveyStatus" NOT NULL DEFAULT 'SCHEDULED',
    "scheduledAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "score" INTEGER,
    "comment" TEXT,
    "answeredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Complaint" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "repairOrderId" TEXT,
    "advisorId" TEXT,
    "severity" "ComplaintSeverity" NOT NULL DEFAULT 'NORMAL',
    "status" "ComplaintStatus" NOT NULL DEFAULT 'OPEN',
    "source" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),
    "resolution" TEXT,

    CONSTRAINT "Complaint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdvisorTask" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "advisorId" TEXT,
    "customerId" TEXT,
    "kind" "AdvisorTaskKind" NOT NULL,
    "status" "AdvisorTaskStatus" NOT NULL DEFAULT 'OPEN',
    "title" TEXT NOT NULL,
    "details" JSONB,
    "dedupeKey" TEXT,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "escalatedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdvisorTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "advisorId" TEXT,
    "conversationKey" TEXT NOT NULL,
    "status" "HandoffStatus" NOT NULL DEFAULT 'WAITING',
    "reason" TEXT,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "runAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "lastError" TEXT,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMPTZ(3),
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboundMessage" (
    "id" TEXT NOT NULL,
    "identityId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "card" JSONB,
    "status" "OutboundStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BotState" (
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BotState_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ProcessedActivity" (
    "channel" TEXT NOT NULL,
    "activityId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedActivity_pkey" PRIMARY KEY ("channel","activityId")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "data" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Shop_code_key" ON "Shop"("code");

-- CreateIndex
CREATE UNIQUE INDEX "OpeningHours_shopId_weekday_key" ON "OpeningHours"("shopId", "weekday");

-- CreateIndex
CREATE UNIQUE INDEX "WorkingCalendarDay_shopId_date_key" ON "WorkingCalendarDay"("shopId", "date");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceBay_shopId_name_key" ON "ServiceBay"("shopId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Technician_shopId_name_key" ON "Technician"("shopId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Advisor_shopId_name_key" ON "Advisor"("shopId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_shopId_mobile_key" ON "Customer"("shopId", "mobile");

-- CreateIndex
CREATE INDEX "ChannelIdentity_customerId_idx" ON "ChannelIdentity"("customerId");

-- CreateIndex
CREATE INDEX "ChannelIdentity_advisorId_idx" ON "ChannelIdentity"("advisorId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelIdentity_channel_externalId_key" ON "ChannelIdentity"("channel", "externalId");

-- CreateIndex
CREATE INDEX "Vehicle_customerId_idx" ON "Vehicle"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Vehicle_shopId_plate_key" ON "Vehicle"("shopId", "plate");

-- CreateIndex
CREATE UNIQUE INDEX "Vehicle_shopId_vin_key" ON "Vehicle"("shopId", "vin");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceCatalogItem_shopId_code_key" ON "ServiceCatalogItem"("shopId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceCatalogPart_catalogItemId_partId_key" ON "ServiceCatalogPart"("catalogItemId", "partId");

-- CreateIndex
CREATE UNIQUE INDEX "Part_shopId_sku_key" ON "Part"("shopId", "sku");

-- CreateIndex
CREATE INDEX "Booking_shopId_startsAt_idx" ON "Booking"("shopId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_customerId_status_idx" ON "Booking"("customerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "BookingLine_bookingId_catalogItemId_key" ON "BookingLine"("bookingId", "catalogItemId");

-- CreateIndex
CREATE INDEX "BayOccupancy_bookingId_idx" ON "BayOccupancy"("bookingId");

-- CreateIndex
CREATE INDEX "BayOccupancy_slotStart_idx" ON "BayOccupancy"("slotStart");

-- CreateIndex
CREATE INDEX "TechnicianOccupancy_bookingId_idx" ON "TechnicianOccupancy"("bookingId");

-- CreateIndex
CREATE INDEX "TechnicianOccupancy_slotStart_idx" ON "TechnicianOccupancy"("slotStart");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrder_bookingId_key" ON "RepairOrder"("bookingId");

-- CreateIndex
CREATE INDEX "RepairOrder_customerId_idx" ON "RepairOrder"("customerId");

-- CreateIndex
CREATE INDEX "RepairOrder_shopId_status_idx" ON "RepairOrder"("shopId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrder_shopId_number_key" ON "RepairOrder"("shopId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "RepairOrderLine_extraWorkItemId_key" ON "RepairOrderLine"("extraWorkItemId");

-- CreateIndex
CREATE INDEX "RepairOrderLine_repairOrderId_idx" ON "RepairOrderLine"("repairOrderId");

-- CreateIndex
CREATE INDEX "ExtraWorkRequest_repairOrderId_idx" ON "ExtraWorkRequest"("repairOrderId");

-- CreateIndex
CREATE INDEX "ExtraWorkRequest_status_expiresAt_idx" ON "ExtraWorkRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "ExtraWorkItem_requestId_idx" ON "ExtraWorkItem"("requestId");

-- CreateIndex
CREATE INDEX "ExtraWorkDecision_itemId_idx" ON "ExtraWorkDecision"("itemId");

-- CreateIndex
CREATE UNIQUE INDEX "Survey_repairOrderId_key" ON "Survey"("repairOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_surveyId_question_key" ON "SurveyResponse"("surveyId", "question");

-- CreateIndex
CREATE INDEX "Complaint_shopId_openedAt_idx" ON "Complaint"("shopId", "openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdvisorTask_dedupeKey_key" ON "AdvisorTask"("dedupeKey");

-- CreateIndex
CREATE INDEX "AdvisorTask_shopId_status_dueAt_idx" ON "AdvisorTask"("shopId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "AdvisorTask_advisorId_status_idx" ON "AdvisorTask"("advisorId", "status");

-- CreateIndex
CREATE INDEX "Handoff_conversationKey_status_idx" ON "Handoff"("conversationKey", "status");

-- CreateIndex
CREATE INDEX "Handoff_advisorId_status_idx" ON "Handoff"("advisorId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Job_dedupeKey_key" ON "Job"("dedupeKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "OutboundMessage_status_createdAt_idx" ON "OutboundMessage"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ProcessedActivity_processedAt_idx" ON "ProcessedActivity"("processedAt");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "AuditEvent"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditEvent_shopId_at_idx" ON "AuditEvent"("shopId", "at");

-- AddForeignKey
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkingCalendarDay" ADD CONSTRAINT "WorkingCalendarDay_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceBay" ADD CONSTRAINT "ServiceBay_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Technician" ADD CONSTRAINT "Technician_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Advisor" ADD CONSTRAINT "Advisor_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelIdentity" ADD CONSTRAINT "ChannelIdentity_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelIdentity" ADD CONSTRAINT "ChannelIdentity_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Vehicle" ADD CONSTRAINT "Vehicle_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceCatalogItem" ADD CONSTRAINT "ServiceCatalogItem_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceCatalogPart" ADD CONSTRAINT "ServiceCatalogPart_catalogItemId_fkey" FOREIGN KEY ("catalogItemId") REFERENCES "ServiceCatalogItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceCatalogPart" ADD CONSTRAINT "ServiceCatalogPart_partId_fkey" FOREIGN KEY ("partId") REFERENCES "Part"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Part" ADD CONSTRAINT "Part_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_vehicleId_fkey" FOREIGN KEY ("vehicleId") REFERENCES "Vehicle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_bayId_fkey" FOREIGN KEY ("bayId") REFERENCES "ServiceBay"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_technicianId_fkey" FOREIGN KEY ("technicianId") REFERENCES "Technician"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingLine" ADD CONSTRAINT "BookingLine_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingLine" ADD CONSTRAINT "BookingLine_catalogItemId_fkey" FOREIGN KEY ("catalogItemId") REFERENCES "ServiceCatalogItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BayOccupancy" ADD CONSTRAINT "BayOccupancy_bayId_fkey" FOREIGN KEY ("bayId") REFERENCES "ServiceBay"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BayOccupancy" ADD CONSTRAINT "BayOccupancy_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TechnicianOccupancy" ADD CONSTRAINT "TechnicianOccupancy_technicianId_fkey" FOREIGN KEY ("technicianId") REFERENCES "Technician"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TechnicianOccupancy" ADD CONSTRAINT "TechnicianOccupancy_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_vehicleId_fkey" FOREIGN KEY ("vehicleId") REFERENCES "Vehicle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrder" ADD CONSTRAINT "RepairOrder_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_catalogItemId_fkey" FOREIGN KEY ("catalogItemId") REFERENCES "ServiceCatalogItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_partId_fkey" FOREIGN KEY ("partId") REFERENCES "Part"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_extraWorkItemId_fkey" FOREIGN KEY ("extraWorkItemId") REFERENCES "ExtraWorkItem"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkRequest" ADD CONSTRAINT "ExtraWorkRequest_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkRequest" ADD CONSTRAINT "ExtraWorkRequest_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkItem" ADD CONSTRAINT "ExtraWorkItem_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "ExtraWorkRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "ExtraWorkItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_repairOrderId_fkey" FOREIGN KEY ("repairOrderId") REFERENCES "RepairOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisorTask" ADD CONSTRAINT "AdvisorTask_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisorTask" ADD CONSTRAINT "AdvisorTask_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdvisorTask" ADD CONSTRAINT "AdvisorTask_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_advisorId_fkey" FOREIGN KEY ("advisorId") REFERENCES "Advisor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_identityId_fkey" FOREIGN KEY ("identityId") REFERENCES "ChannelIdentity"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────
-- Hand-written CHECK constraints (not generated by Prisma).
-- Prisma's schema language cannot express CHECK constraints, and the schema
-- engine ignores them when diffing, so authoring the next migration will
-- neither recreate nor drop them. Add new ones in later migrations by hand.
-- ─────────────────────────────────────────────────────────────────────────────

-- Money is integer fen and never negative.
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_labourRateFen_nonneg" CHECK ("labourRateFen" >= 0);
ALTER TABLE "Part" ADD CONSTRAINT "Part_unitPriceFen_nonneg" CHECK ("unitPriceFen" >= 0);
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_estimateFen_nonneg" CHECK ("estimateFen" >= 0);
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_unitPriceFen_nonneg" CHECK ("unitPriceFen" >= 0);
ALTER TABLE "ExtraWorkItem" ADD CONSTRAINT "ExtraWorkItem_priceFen_nonneg" CHECK ("priceFen" >= 0);
ALTER TABLE "ExtraWorkDecision" ADD CONSTRAINT "ExtraWorkDecision_priceFen_nonneg" CHECK ("priceFen" >= 0);

-- Opening hours: ISO weekday 1 (Monday) .. 7 (Sunday); minutes after local midnight.
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_weekday_range" CHECK ("weekday" BETWEEN 1 AND 7);
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_minutes_range" CHECK (0 <= "openMinute" AND "openMinute" < "closeMinute" AND "closeMinute" <= 1440);

-- Shop settings.
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_taxRateBp_range" CHECK ("taxRateBp" BETWEEN 0 AND 10000);
ALTER TABLE "Shop" ADD CONSTRAINT "Shop_slotMinutes_positive" CHECK ("slotMinutes" > 0);

-- Warranty/goodwill share of a repair-order line, in percent.
ALTER TABLE "RepairOrderLine" ADD CONSTRAINT "RepairOrderLine_coveragePercent_range" CHECK ("coveragePercent" BETWEEN 0 AND 100);

-- Stock on hand.
ALTER TABLE "Part" ADD CONSTRAINT "Part_stockQty_nonneg" CHECK ("stockQty" >= 0);

-- A booking ends after it starts.
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_endsAt_after_startsAt" CHECK ("endsAt" > "startsAt");

-- Survey scores 0..10 (NPS scale); a question may be left unanswered.
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_score_range" CHECK ("score" IS NULL OR "score" BETWEEN 0 AND 10);
