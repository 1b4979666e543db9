-- A person's access to a patient while an emergency grant of theirs to that patient is open is
-- marked "break-the-glass" for auditors, by the database as the entry is inserted: exact (the
-- grants as they stand when the entry is written, on any node), and no lookup for the request or
-- the audit writer (one index probe, only for entries of people that name patients).
create function audit_event_break_the_glass() returns trigger language plpgsql as $$
begin
  if exists (select 1 from sec_access_grant g where g.login = new.agent and g.expires > new.recorded
             and g.granted <= new.recorded + interval '1 minute' and g.patient_id = any(new.patients)) then
    new.purpose := 'break-the-glass';
  end if;
  return new;
end $$;

create trigger audit_event_break_the_glass before insert on audit_event for each row
  when (new.purpose is null and new.agent_kind = 'U' and cardinality(new.patients) > 0)
  execute function audit_event_break_the_glass();
