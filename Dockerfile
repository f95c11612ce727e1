# Permanence Explorer for a council's intranet: the app on one port, nothing downloaded at run
# time, no data kept in the container (see docs/deploy.md). Build: docker build -t pe .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# The same install as `make run`, without the test extras.
COPY pyproject.toml README.md LICENSE NOTICE.md ./
COPY explorer ./explorer
COPY flows ./flows
COPY examples ./examples
RUN pip install .

COPY .streamlit ./.streamlit
COPY streamlit_app.py ./

USER app
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
# As `make run` (the launcher keeps Streamlit from looking up outside addresses), but listening on the container's interface: the reverse proxy in front of it
# is what users reach (docs/deploy.md).
CMD ["python", "-m", "explorer.ui.serve", "--server.address", "0.0.0.0", "--server.port", "8501"]
