-- What a crisis alert can honestly say: how her crisis resources reached her ('dm', 'here' = shown
-- privately where she wrote, 'none' = could not be delivered) and where her words came from
-- ('share', 'dm', 'channel', 'thread', 'edit'). Never any of her words.
ALTER TABLE flags ADD COLUMN delivery TEXT CHECK (delivery IN ('dm', 'here', 'none'));
ALTER TABLE flags ADD COLUMN entry TEXT;
