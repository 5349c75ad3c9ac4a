CHRONIQUE_SEARCH.add("t/z",{"stems":{"zeroual":[1,117]},"words":{"zerouali":"zeroual"}});
