FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=liaison.settings.production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz DATABASE_URL=postgres://build@localhost/build ALLOWED_HOSTS=* \
    SURVEY_PHONE_SALT=build-only python manage.py collectstatic --noinput --verbosity 0
RUN useradd --create-home liaison && mkdir -p /app/media && chown liaison /app/media
USER liaison
EXPOSE 8000
CMD ["gunicorn", "liaison.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
