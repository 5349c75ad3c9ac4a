CHRONIQUE_SEARCH.add("t/1",{"stems":{"17":[0,131]},"words":{"17":"17"}});
