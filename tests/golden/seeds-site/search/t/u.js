CHRONIQUE_SEARCH.add("t/u",{"stems":{},"words":{"un":"","une":""}});
