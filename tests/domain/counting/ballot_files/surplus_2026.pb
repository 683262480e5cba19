META
key;value
description;Surplus 2026, hand-made
num_projects;3
num_votes;4
budget;757327.73
vote_type;approval
currency;GBP
PROJECTS
project_id;cost;name
respite-2;250000.5;"Respite breaks; weekends"
T7;500000;PA training fund
x9b;9.99;Leaflets
VOTES
voter_id;vote;age
v1;respite-2,x9b;71
v2;T7;34
v3;T7,respite-2;
v4;;
