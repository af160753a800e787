-- CreateTable
CREATE TABLE "PartReservationDay" (
    "partId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "milli" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "PartReservationDay_pkey" PRIMARY KEY ("partId","day")
);

-- AddForeignKey
ALTER TABLE "PartReservationDay" ADD CONSTRAINT "PartReservationDay_partId_fkey" FOREIGN KEY ("partId") REFERENCES "Part"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written below: the triggers that keep "PartReservationDay" equal to the parts of
-- confirmed bookings, whoever writes them (the bot, the REST API, an operator in psql).
-- A day is the UTC date of the booking's start; the slot search sums the days after today
-- and counts today's not-yet-started bookings exactly.

-- Adds (sign 1) or removes (sign -1) what one line of a booking reserves, if it is confirmed.
CREATE FUNCTION "aftercare_reserve_line"(p_booking TEXT, p_item TEXT, p_sign INT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "PartReservationDay" ("partId", "day", "milli")
  SELECT cp."partId", (b."startsAt" AT TIME ZONE 'UTC')::date, p_sign * (cp."quantity" * 1000)::bigint
    FROM "Booking" b JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = p_item
   WHERE b."id" = p_booking AND b."status" = 'CONFIRMED'
  ON CONFLICT ("partId", "day") DO UPDATE SET "milli" = "PartReservationDay"."milli" + EXCLUDED."milli";
END $$;

-- Adds or removes everything a booking's lines reserve on the day it starts.
CREATE FUNCTION "aftercare_reserve_booking"(p_booking TEXT, p_starts TIMESTAMPTZ, p_sign INT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "PartReservationDay" ("partId", "day", "milli")
  SELECT cp."partId", (p_starts AT TIME ZONE 'UTC')::date, p_sign * SUM(cp."quantity" * 1000)::bigint
    FROM "BookingLine" bl JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
   WHERE bl."bookingId" = p_booking
   GROUP BY cp."partId"
  ON CONFLICT ("partId", "day") DO UPDATE SET "milli" = "PartReservationDay"."milli" + EXCLUDED."milli";
END $$;

-- Rebuilds one part's rows from the bookings (a catalogue quantity changed: rare).
CREATE FUNCTION "aftercare_rebuild_part"(p_part TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "PartReservationDay" WHERE "partId" = p_part;
  INSERT INTO "PartReservationDay" ("partId", "day", "milli")
  SELECT cp."partId", (b."startsAt" AT TIME ZONE 'UTC')::date, SUM(cp."quantity" * 1000)::bigint
    FROM "Booking" b JOIN "BookingLine" bl ON bl."bookingId" = b."id" JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
   WHERE cp."partId" = p_part AND b."status" = 'CONFIRMED'
   GROUP BY cp."partId", (b."startsAt" AT TIME ZONE 'UTC')::date;
END $$;

CREATE FUNCTION "aftercare_booking_line_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "aftercare_reserve_line"(NEW."bookingId", NEW."catalogItemId", 1);
  ELSIF TG_OP = 'DELETE' THEN
    -- A booking being deleted has already given its reservation back (and is gone by now).
    PERFORM "aftercare_reserve_line"(OLD."bookingId", OLD."catalogItemId", -1);
  ELSE
    PERFORM "aftercare_reserve_line"(OLD."bookingId", OLD."catalogItemId", -1);
    PERFORM "aftercare_reserve_line"(NEW."bookingId", NEW."catalogItemId", 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "aftercare_booking_line_reservation" AFTER INSERT OR UPDATE OR DELETE ON "BookingLine"
  FOR EACH ROW EXECUTE FUNCTION "aftercare_booking_line_reservation"();

CREATE FUNCTION "aftercare_booking_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- Before the row goes: its lines still exist to say what it reserved.
    IF OLD."status" = 'CONFIRMED' THEN PERFORM "aftercare_reserve_booking"(OLD."id", OLD."startsAt", -1); END IF;
    RETURN OLD;
  END IF;
  IF OLD."status" IS DISTINCT FROM NEW."status" OR OLD."startsAt" IS DISTINCT FROM NEW."startsAt" THEN
    IF OLD."status" = 'CONFIRMED' THEN PERFORM "aftercare_reserve_booking"(OLD."id", OLD."startsAt", -1); END IF;
    IF NEW."status" = 'CONFIRMED' THEN PERFORM "aftercare_reserve_booking"(NEW."id", NEW."startsAt", 1); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "aftercare_booking_reservation_delete" BEFORE DELETE ON "Booking"
  FOR EACH ROW EXECUTE FUNCTION "aftercare_booking_reservation"();
CREATE TRIGGER "aftercare_booking_reservation_update" AFTER UPDATE OF "status", "startsAt" ON "Booking"
  FOR EACH ROW EXECUTE FUNCTION "aftercare_booking_reservation"();

CREATE FUNCTION "aftercare_catalog_part_reservation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "aftercare_rebuild_part"(OLD."partId"); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW."partId" IS DISTINCT FROM OLD."partId") THEN PERFORM "aftercare_rebuild_part"(NEW."partId"); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "aftercare_catalog_part_reservation" AFTER INSERT OR UPDATE OR DELETE ON "ServiceCatalogPart"
  FOR EACH ROW EXECUTE FUNCTION "aftercare_catalog_part_reservation"();

-- What the bookings already in the database reserve.
INSERT INTO "PartReservationDay" ("partId", "day", "milli")
SELECT cp."partId", (b."startsAt" AT TIME ZONE 'UTC')::date, SUM(cp."quantity" * 1000)::bigint
  FROM "Booking" b JOIN "BookingLine" bl ON bl."bookingId" = b."id" JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
 WHERE b."status" = 'CONFIRMED'
 GROUP BY cp."partId", (b."startsAt" AT TIME ZONE 'UTC')::date;
