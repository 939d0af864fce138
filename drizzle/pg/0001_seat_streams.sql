CREATE TABLE "seat_streams" (
	"seat_id" bigint PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity" ADD COLUMN "seq" bigint;--> statement-breakpoint
CREATE INDEX "activity_seat_seq" ON "activity" USING btree ("seat_id","seq");