CHRONIQUE_SEARCH.add("t/k",{"stems":{"khalid":[1,117]},"words":{"khalid":"khalid"}});
