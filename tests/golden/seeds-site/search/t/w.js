CHRONIQUE_SEARCH.add("t/w",{"stems":{"wal":[1,117]},"words":{"wali":"wal"}});
