CHRONIQUE_SEARCH.add("t/j",{"stems":{"jeux":[2,104]},"words":{"j":"","jeux":"jeux"}});
