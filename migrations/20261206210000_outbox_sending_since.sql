-- An entry whose send was started and did not end (issue 13): the sender died between handing
-- the request to the network and recording the answer. The server may still be finishing that
-- request, so the entry waits a while (the request timeout) before it is looked up on the
-- server and, if absent, sent again. NULL for an entry that is not being sent.
ALTER TABLE outbox ADD COLUMN sending_since TEXT;
