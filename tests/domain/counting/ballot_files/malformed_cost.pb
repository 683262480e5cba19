META
key;value
budget;1000
vote_type;approval
PROJECTS
project_id;cost;name
a;12.345;Too precise
VOTES
voter_id;vote
1;a
