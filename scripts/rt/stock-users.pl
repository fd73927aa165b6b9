# stock-users.pl -- what an RT admin grants by hand on a stock RT 5 so that
# Guichet's account can file tickets, and nothing more.
#
# Used by Guichet's tests (RtServer::start_stock) on a server started WITHOUT
# guichet-initialdata.pl: queue and article class `General`, catalog
# `General assets`, no custom fields. Creates:
#   * user guichet-user / guichet-pass, unprivileged (self-service), allowed to
#     see queue General, create tickets there, and see and answer the tickets
#     it is the Requestor of;
#   * user tech / tech-pass, a privileged technician with the ticket rights on
#     General.
# Nothing on articles, assets or custom fields: that is what Guichet's
# `connect rt` check must report.

@Users = (
    { Name => 'guichet-user', EmailAddress => 'guichet-user@example.com',
      RealName => 'Guichet end user', Password => 'guichet-pass', Privileged => 0 },
    { Name => 'tech', EmailAddress => 'tech@example.com',
      RealName => 'Service desk technician', Password => 'tech-pass', Privileged => 1 },
);

@ACL = (
    { UserId => 'guichet-user', Queue => 'General', Right => [qw(SeeQueue CreateTicket)] },
    { GroupDomain => 'RT::Queue-Role', GroupType => 'Requestor', Queue => 'General',
      Right => [qw(ShowTicket ReplyToTicket)] },
    { UserId => 'tech', Queue => 'General',
      Right => [qw(SeeQueue ShowTicket CreateTicket ModifyTicket ReplyToTicket CommentOnTicket
                   ShowTicketComments OwnTicket TakeTicket Watch WatchAsAdminCc)] },
);
1;
