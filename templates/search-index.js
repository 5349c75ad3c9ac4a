window.CHRONIQUE_SEARCH = (window.CHRONIQUE_SEARCH || []).concat({{ search_documents(articles)|tojson }});
