# guichet-initialdata.pl -- what Guichet needs on a Request Tracker 5 server.
#
# For RT admins. Apply it once, as the account RT runs as (it reads RT's
# configuration and database settings):
#
#   rt-setup-database --action insert --datafile guichet-initialdata.pl
#   (Debian/Ubuntu packages: rt-setup-database-5)
#
# Environment:
#   GUICHET_QUEUE=<existing queue>   apply the ticket custom fields and rights to
#                                    that queue instead of creating ServiceDesk.
#
# Creates:
#   * queue ServiceDesk (unless GUICHET_QUEUE names an existing one);
#   * on that queue: ticket custom field ClientUUID and transaction custom field
#     ClientTxnUUID, the keys that make ticket and reply creation exactly-once;
#   * article class "Guichet KB" (knowledge base; the Content field is RT's own,
#     applied to every class) with the article custom field "Guichet checks":
#     the check ids an article helps with (storage.free printing.queues …),
#     space- or comma-separated, so that a failing check suggests it;
#   * asset catalog Workstations with custom fields Serial, Model, OS, CPU, RAM
#     and DeviceId (DeviceId finds a machine's asset again);
#   * group "Guichet users" holding every right Guichet's accounts need. Then
#     add those accounts (usually unprivileged users) to the group: Admin ->
#     Groups -> Guichet users -> Members.
# Rights of the group: on the queue SeeQueue, CreateTicket (and, for the
# queue's Requestor role, ShowTicket, ReplyToTicket: users see and answer only
# their own tickets); SeeCustomField, ModifyCustomField on the two key fields;
# SeeClass, ShowArticle on the class and SeeCustomField on Content and Guichet
# checks; ShowCatalog,
# ShowAsset, CreateAsset, ModifyAsset on the catalog and See/ModifyCustomField
# on its fields. Technicians' rights are left to the admin.
#
# Running it a second time fails on the objects that already exist.

my $queue = $ENV{GUICHET_QUEUE} || 'ServiceDesk';
my @asset_cfs = qw(Serial Model OS CPU RAM DeviceId);
my %group = (GroupId => 'Guichet users', GroupDomain => 'UserDefined');

@Groups = (
    { Name => 'Guichet users', Description => 'Accounts Guichet signs in as' },
);

@Queues = $ENV{GUICHET_QUEUE} ? () : (
    { Name => 'ServiceDesk', Description => 'Guichet service desk' },
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
      ApplyTo => [$queue],
      Description => 'Client-generated id of the ticket (idempotent creation)' },
    { Name => 'ClientTxnUUID', Type => 'FreeformSingle',
      LookupType => 'RT::Queue-RT::Ticket-RT::Transaction', ApplyTo => [$queue],
      Description => 'Client-generated id of a reply (idempotent replies)' },
    { Name => 'Guichet checks', Type => 'FreeformSingle', LookupType => 'RT::Class-RT::Article',
      ApplyTo => ['Guichet KB'],
      Description => 'Guichet check ids this article helps with (space or comma separated)' },
    map( { { Name => $_, Type => 'FreeformSingle', LookupType => 'RT::Catalog-RT::Asset',
             ApplyTo => ['Workstations'], Description => "Workstation $_ (Guichet inventory)" } }
         @asset_cfs ),
);

@ACL = (
    { %group, Queue => $queue, Right => [qw(SeeQueue CreateTicket)] },
    { GroupDomain => 'RT::Queue-Role', GroupType => 'Requestor', Queue => $queue,
      Right => [qw(ShowTicket ReplyToTicket)] },
    map( { { %group, CF => $_, Right => [qw(SeeCustomField ModifyCustomField)] } }
         qw(ClientUUID ClientTxnUUID) ),
    { %group, ObjectType => 'RT::Class', ObjectId => 'Guichet KB',
      Right => [qw(SeeClass ShowArticle)] },
    { %group, CF => 'Content', LookupType => 'RT::Class-RT::Article', Right => 'SeeCustomField' },
    { %group, CF => 'Guichet checks', LookupType => 'RT::Class-RT::Article',
      Right => 'SeeCustomField' },
    { %group, ObjectType => 'RT::Catalog', ObjectId => 'Workstations',
      Right => [qw(ShowCatalog ShowAsset CreateAsset ModifyAsset)] },
    map( { { %group, CF => $_, LookupType => 'RT::Catalog-RT::Asset',
             Right => [qw(SeeCustomField ModifyCustomField)] } } @asset_cfs ),
);
1;
