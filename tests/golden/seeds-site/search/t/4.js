CHRONIQUE_SEARCH.add("t/4",{"stems":{"4em":[0,131]},"words":{"4eme":"4em"}});
