CHRONIQUE_SEARCH.add("t/q",{"stems":{"qualit":[2,104],"question":[2,104]},"words":{"qualite":"qualit","que":"","questions":"question","qui":""}});
