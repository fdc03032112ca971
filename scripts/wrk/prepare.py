"""Prepares requests.tsv for submit.lua against a running pvara: signs the staff account in,
creates jobs, registers applicants and writes one line per application: token TAB JSON body.

Usage: prepare.py BASE STAFF_EMAIL STAFF_PASSWORD APPLICATIONS OUT
"""
import concurrent.futures
import json
import random
import sys
import urllib.request

SKILLS = ["Rust", "SQL", "Kafka", "PostgreSQL", "Python", "Linux", "Go", "Java", "Docker", "React"]
PASSWORD = "correct horse battery staple 42"


def post(base, path, body, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def main(base, staff_email, staff_password, applications, out):
    rng = random.Random(42)
    staff = post(base, "/api/auth/login", {"email": staff_email, "password": staff_password})["token"]
    jobs = []
    for j in range(20):
        job = {"title": f"Role {j}", "description": "Engineering for public service, " * 20,
               "location": "Islamabad",
               "requirements": {"requiredSkills": rng.sample(SKILLS, 3),
                                "preferredSkills": rng.sample(SKILLS, 2),
                                "minYearsExperience": rng.randrange(0, 6), "education": "bachelor"}}
        jobs.append(post(base, "/api/jobs", job, staff)["id"])
    applicants = -(-applications // len(jobs))

    def register(a):
        email = f"wrk{a}.{rng.randrange(1 << 30)}@bench.invalid"
        post(base, "/api/auth/register", {"email": email, "password": PASSWORD, "fullName": f"Applicant {a}"})
        return email, post(base, "/api/auth/login", {"email": email, "password": PASSWORD})["token"]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        people = list(pool.map(register, range(applicants)))
    with open(out, "w") as file:
        for i in range(applications):
            email, token = people[i // len(jobs)]
            skills = rng.sample(SKILLS, rng.randrange(2, 6))
            resume = " ".join(f"For {rng.randrange(1, 9)} years I built services with {rng.choice(skills)}."
                              for _ in range(70))
            body = {"jobId": jobs[i % len(jobs)], "fullName": f"Applicant {i // len(jobs)}", "email": email,
                    "phone": "+92 51 0000000", "skills": skills, "yearsExperience": rng.randrange(0, 15),
                    "education": "bachelor", "resumeText": resume,
                    "coverLetter": "I would be glad to serve the authority in this role.",
                    "acceptPrivacyNotice": True}
            file.write(token + "\t" + json.dumps(body) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
