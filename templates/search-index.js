window.CHRONIQUE_SEARCH = {{ search_documents(articles)|tojson }};
