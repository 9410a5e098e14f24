"""The Scrapy crawler: one spider per kind of source, item pipelines for cleaning, mention
filtering, near-copy linking and storage, and a health extension fed by Scrapy signals."""
