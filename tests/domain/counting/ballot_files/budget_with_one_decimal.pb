META
key;value
description;Toulouse-style budget
budget;400000.0
vote_type;approval
PROJECTS
project_id;cost;name
1;100000.0;Benches
2;350000.0;Playground
VOTES
voter_id;vote
1;1
2;2
3;1,2
