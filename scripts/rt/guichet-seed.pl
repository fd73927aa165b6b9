# guichet-seed.pl -- RT 5 initialdata for Guichet's sync tests.
#
# Applied once by start-rt.sh after the database is initialised
# (rt-setup-database --action insert --datafile guichet-seed.pl).
# Creates what Guichet's connector needs on the server side:
#   * queue ServiceDesk with ticket CF ClientUUID (idempotent ticket creation)
#     and transaction CF ClientTxnUUID (idempotent replies/comments);
#   * article class "Guichet KB" (the Content CF is applied globally by RT's
#     own initial data, so every class has it; Summary is a native field),
#     with the article CF "Guichet checks": the check ids an article helps
#     with (storage.free printing.queues …), space- or comma-separated;
#   * asset catalog Workstations with CFs Serial, Model, OS, CPU, RAM, DeviceId;
#   * user guichet-user / guichet-pass: the end-user account Guichet signs in as,
#     unprivileged (self-service), with just the rights it needs;
#   * user tech / tech-pass: a privileged technician with full rights on the
#     queue, the class and the catalog.
# scripts/rt/guichet-initialdata.pl is the same set-up for admins (rights
# granted to a group instead of these test users): keep the two in step.
# RT processes the arrays in this order: Users, Queues, Classes, Catalogs,
# Articles, CustomFields (+ApplyTo), ACL, so the ACL may name every object here.

my @asset_cfs = qw(Serial Model OS CPU RAM DeviceId);

@Users = (
    { Name => 'guichet-user', EmailAddress => 'guichet-user@example.com',
      RealName => 'Guichet end user', Password => 'guichet-pass', Privileged => 0 },
    { Name => 'tech', EmailAddress => 'tech@example.com',
      RealName => 'Service desk technician', Password => 'tech-pass', Privileged => 1 },
);

@Queues = (
    # Empty addresses: the test server never sends mail anyway (MailCommand mbox).
    { Name => 'ServiceDesk', Description => 'Guichet service desk',
      CorrespondAddress => '', CommentAddress => '' },
);

@Classes = (
    { Name => 'Guichet KB', Description => 'Knowledge base articles shown by Guichet' },
);

@Catalogs = (
    { Name => 'Workstations', Description => 'Workstations inventoried by Guichet',
      Lifecycle => 'assets' },
);

@CustomFields = (
    { Name => 'ClientUUID', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket',
      ApplyTo => ['ServiceDesk'],
      Description => 'Client-generated id of the ticket (idempotent creation)' },
    { Name => 'ClientTxnUUID', Type => 'FreeformSingle',
      LookupType => 'RT::Queue-RT::Ticket-RT::Transaction', ApplyTo => ['ServiceDesk'],
      Description => 'Client-generated id of a reply (idempotent replies)' },
    { Name => 'Guichet checks', Type => 'FreeformSingle', LookupType => 'RT::Class-RT::Article',
      ApplyTo => ['Guichet KB'],
      Description => 'Guichet check ids this article helps with (space or comma separated)' },
    map( { { Name => $_, Type => 'FreeformSingle', LookupType => 'RT::Catalog-RT::Asset',
             ApplyTo => ['Workstations'], Description => "Workstation $_ (Guichet inventory)" } }
         @asset_cfs ),
);

my @ticket_cf_rights = qw(SeeCustomField ModifyCustomField);

@ACL = (
    # --- guichet-user: own tickets only (through the Requestor role) ---
    { UserId => 'guichet-user', Queue => 'ServiceDesk',
      Right => [qw(SeeQueue CreateTicket)] },
    { GroupDomain => 'RT::Queue-Role', GroupType => 'Requestor', Queue => 'ServiceDesk',
      Right => [qw(ShowTicket ReplyToTicket)] },
    map( { { UserId => 'guichet-user', CF => $_, Right => [@ticket_cf_rights] } }
         qw(ClientUUID ClientTxnUUID) ),
    # knowledge base: read only
    { UserId => 'guichet-user', ObjectType => 'RT::Class', ObjectId => 'Guichet KB',
      Right => [qw(SeeClass ShowArticle)] },
    { UserId => 'guichet-user', CF => 'Content', LookupType => 'RT::Class-RT::Article',
      Right => 'SeeCustomField' },
    { UserId => 'guichet-user', CF => 'Guichet checks', LookupType => 'RT::Class-RT::Article',
      Right => 'SeeCustomField' },
    # inventory: create and update workstations
    { UserId => 'guichet-user', ObjectType => 'RT::Catalog', ObjectId => 'Workstations',
      Right => [qw(ShowCatalog ShowAsset CreateAsset ModifyAsset)] },
    map( { { UserId => 'guichet-user', CF => $_, LookupType => 'RT::Catalog-RT::Asset',
             Right => [qw(SeeCustomField ModifyCustomField)] } } @asset_cfs ),

    # --- tech: everything on the queue, class and catalog ---
    { UserId => 'tech', Queue => 'ServiceDesk',
      Right => [qw(SeeQueue ShowTicket CreateTicket ModifyTicket ReplyToTicket CommentOnTicket
                   ShowTicketComments ShowOutgoingEmail OwnTicket TakeTicket StealTicket
                   DeleteTicket Watch WatchAsAdminCc ModifyCustomField SeeCustomField)] },
    { UserId => 'tech', ObjectType => 'RT::Class', ObjectId => 'Guichet KB',
      Right => [qw(SeeClass ShowArticle CreateArticle ModifyArticle DisableArticle
                   ShowArticleHistory ModifyArticleTopics AdminClass)] },
    { UserId => 'tech', ObjectType => 'RT::Catalog', ObjectId => 'Workstations',
      Right => [qw(ShowCatalog ShowAsset CreateAsset ModifyAsset AdminCatalog)] },
    # custom fields of every kind (ticket, transaction, article, asset)
    { UserId => 'tech', Right => [qw(SeeCustomField ModifyCustomField)] },
);
1;
