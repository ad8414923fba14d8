-- Functions the derived tables share (created first; the file is not a table).
-- Name key of a 세부사업: letters and digits only, without parenthesised asides, so that the 목표 table
-- and the 계획·실적 lines ("인공지능(AI) 및 디지털 활용" vs "인공지능 및 디지털활용") match.
CREATE OR REPLACE MACRO name_key(x) AS
    regexp_replace(regexp_replace(coalesce(x, ''), '\([^)]*\)', '', 'g'), '[^0-9A-Za-z가-힣]', '', 'g');
