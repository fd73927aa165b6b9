# guichet-actions.pl -- lets Request Tracker articles carry Guichet's published fix-it actions.
#
# For RT admins, after guichet-initialdata.pl. Apply it once, as the account RT runs as:
#
#   rt-setup-database --action insert --datafile guichet-actions.pl
#   (Debian/Ubuntu packages: rt-setup-database-5)
#
# Environment:
#   GUICHET_CLASS=<article class>   the class Guichet pulls (default: Guichet KB).
#   GUICHET_GRANTEE=<user name>     grant the right to this user instead of the group
#                                   "Guichet users".
#
# Creates the article custom field "Guichet actions" (files, several per article) on that
# class, and lets Guichet's accounts see it. Attach the .guichet-action files written by
# `guichet fix sign` to an article in that field: Guichet downloads every value whose file
# name ends in .guichet-action with the knowledge base, and runs one only if its signature
# verifies against a key in the machine's /etc/guichet/policy.json.

my $class = $ENV{GUICHET_CLASS} || 'Guichet KB';
my %grantee = $ENV{GUICHET_GRANTEE}
    ? (UserId => $ENV{GUICHET_GRANTEE})
    : (GroupId => 'Guichet users', GroupDomain => 'UserDefined');

@CustomFields = (
    { Name => 'Guichet actions', Type => 'BinaryMultiple', LookupType => 'RT::Class-RT::Article',
      ApplyTo => [$class],
      Description => 'Signed fix-it actions (.guichet-action files) Guichet offers with the article' },
);

@ACL = (
    { %grantee, CF => 'Guichet actions', LookupType => 'RT::Class-RT::Article',
      Right => 'SeeCustomField' },
);
1;
